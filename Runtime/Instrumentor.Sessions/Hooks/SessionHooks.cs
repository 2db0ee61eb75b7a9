using System;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Sessions;

/// <summary>
/// Code run at a <see cref="HookPoint"/> (alerting on an expensive call, stopping a runaway agent, streaming to a
/// UI). Hooks of one point run in registration order, awaited by the call that triggered them. A hook that throws
/// is counted in <see cref="SessionTracer.HookFailures"/> and reported through the EventSource
/// <c>Instrumentor-Sessions</c>; it never fails the recording, which is already queued.
/// </summary>
public sealed class SessionHooks
{
    private const int PointCount = (int)HookPoint.MessageRecorded + 1;
    private readonly Func<object, ValueTask>[][] _hooks = new Func<object, ValueTask>[PointCount][];
    private readonly object _lock = new();
    private long _failures;

    internal SessionHooks()
    {
        for (int i = 0; i < PointCount; i++)
        {
            _hooks[i] = Array.Empty<Func<object, ValueTask>>();
        }
    }

    internal long Failures => Interlocked.Read(ref _failures);

    /// <summary>Runs <paramref name="hook"/> at <paramref name="point"/>; dispose the result to unregister it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="point"/> is not a <see cref="HookPoint"/>.</exception>
    public IDisposable Register(HookPoint point, Func<object, ValueTask> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if ((uint)point >= PointCount)
        {
            throw new ArgumentOutOfRangeException(nameof(point), point, "unknown hook point");
        }

        lock (_lock)
        {
            Func<object, ValueTask>[] current = _hooks[(int)point];
            var next = new Func<object, ValueTask>[current.Length + 1];
            current.CopyTo(next, 0);
            next[^1] = hook;
            Volatile.Write(ref _hooks[(int)point], next);
        }

        return new Registration(this, point, hook);
    }

    private void Unregister(HookPoint point, Func<object, ValueTask> hook)
    {
        lock (_lock)
        {
            Func<object, ValueTask>[] current = _hooks[(int)point];
            int index = Array.IndexOf(current, hook);
            if (index < 0)
            {
                return;
            }

            var next = new Func<object, ValueTask>[current.Length - 1];
            Array.Copy(current, 0, next, 0, index);
            Array.Copy(current, index + 1, next, index, current.Length - index - 1);
            Volatile.Write(ref _hooks[(int)point], next);
        }
    }

    internal ValueTask RunAsync(HookPoint point, object argument)
    {
        Func<object, ValueTask>[] hooks = Volatile.Read(ref _hooks[(int)point]);
        for (int i = 0; i < hooks.Length; i++)
        {
            ValueTask pending;
            try
            {
                pending = hooks[i](argument);
            }
            catch (Exception ex)
            {
                Failed(ex);
                continue;
            }

            if (!pending.IsCompletedSuccessfully)
            {
                return RunRestAsync(pending, hooks, i + 1, argument);
            }
        }

        return default;
    }

    private async ValueTask RunRestAsync(ValueTask pending, Func<object, ValueTask>[] hooks, int next, object argument)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Failed(ex);
        }

        for (int i = next; i < hooks.Length; i++)
        {
            try
            {
                await hooks[i](argument).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Failed(ex);
            }
        }
    }

    private void Failed(Exception ex)
    {
        Interlocked.Increment(ref _failures);
        SessionDiagnostics.HookFailed(ex);
    }

    private sealed class Registration(SessionHooks owner, HookPoint point, Func<object, ValueTask> hook) : IDisposable
    {
        public void Dispose() => owner.Unregister(point, hook);
    }
}
