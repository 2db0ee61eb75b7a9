using System;
using System.Threading;

namespace Instrumentor.Benchmarks.Infrastructure;

/// <summary>
/// Dedicated threads that run one piece of work each time <see cref="Run"/> is called, all released at once, so a
/// benchmark measures contention and not thread creation.
/// </summary>
internal sealed class WorkerGang : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _go;
    private readonly Action<int> _work;
    private CountdownEvent _done;
    private volatile bool _stop;

    internal WorkerGang(int threads, Action<int> work)
    {
        _work = work;
        _done = new CountdownEvent(threads);
        _go = new SemaphoreSlim[threads];
        _threads = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            _go[i] = new SemaphoreSlim(0);
            int index = i;
            _threads[i] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"bench worker {i}" };
            _threads[i].Start();
        }
    }

    /// <summary>Runs the work once on every thread and returns when all are done.</summary>
    internal void Run()
    {
        _done.Reset(_threads.Length);
        foreach (SemaphoreSlim go in _go)
        {
            go.Release();
        }

        _done.Wait();
    }

    public void Dispose()
    {
        _stop = true;
        foreach (SemaphoreSlim go in _go)
        {
            go.Release();
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        _done.Dispose();
    }

    private void Loop(int index)
    {
        while (true)
        {
            _go[index].Wait();
            if (_stop)
            {
                return;
            }

            _work(index);
            _done.Signal();
        }
    }
}
