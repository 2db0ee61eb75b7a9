using System;
using System.Threading;

namespace Instrumentor;

/// <summary>
/// Wakes the sleeping writer when data arrives. A producer pays one volatile read unless the writer is asleep;
/// only the first producer after the writer fell asleep pays for the wake-up.
/// </summary>
internal sealed class WriterSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);
    private int _sleeping;

    /// <summary>Called by a producer after it queued something.</summary>
    internal void WakeIfSleeping()
    {
        if (Volatile.Read(ref _sleeping) != 0)
        {
            Wake();
        }
    }

    /// <summary>Wakes the writer if it sleeps.</summary>
    internal void Wake()
    {
        if (Interlocked.Exchange(ref _sleeping, 0) != 0)
        {
            try
            {
                _semaphore.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
            catch (ObjectDisposedException)
            {
                // The pipeline is gone.
            }
        }
    }

    /// <summary>
    /// Sleeps until woken or <paramref name="timeout"/> passes, unless <paramref name="hasWork"/> says there is
    /// already something to do (checked after announcing the sleep, so no wake-up can be missed).
    /// </summary>
    internal void Sleep(TimeSpan timeout, Func<bool> hasWork)
    {
        Interlocked.Exchange(ref _sleeping, 1);
        if (!hasWork())
        {
            _semaphore.Wait(timeout);
        }

        Interlocked.Exchange(ref _sleeping, 0);
        // A Release that raced with our own reset may remain: drain it so the next Sleep really sleeps.
        _semaphore.Wait(0);
    }

    /// <inheritdoc />
    public void Dispose() => _semaphore.Dispose();
}
