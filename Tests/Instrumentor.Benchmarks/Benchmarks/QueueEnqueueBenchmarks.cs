using System;
using BenchmarkDotNet.Attributes;
using Instrumentor.Benchmarks.Infrastructure;
using Instrumentor.Runtime;

namespace Instrumentor.Benchmarks.Benchmarks;

/// <summary>
/// The cost of <c>DualQueue.Enqueue</c> alone (a normal record with its site set: the bounded channel's TryWrite and
/// the writer wake-up check), from 1, 2, 4 and 8 threads sharing one queue. Each invocation splits a fixed number
/// of enqueues between the threads; the result is per enqueue.
/// </summary>
/// <remarks>
/// No writer runs: a fresh queue, grown beforehand to hold a whole invocation, is used for each iteration, so every
/// enqueue succeeds (no drop on a full queue, no consumer on the lock) and the channel's buffer never resizes during
/// the measurement. The caller-overhead benchmarks measure enqueueing with the writer draining concurrently.
/// </remarks>
[MemoryDiagnoser]
public class QueueEnqueueBenchmarks
{
    private const int Operations = 200_000;

    private static readonly MonitorSite s_site = new("Bench.Queue.Enqueue", null, new[] { "a", "b" }, 1.0, 1000);

    private WorkerGang? _gang;
    private DualQueue? _queue;
    private PipelineCounters? _counters;
    private WriterSignal? _signal;

    [Params(1, 2, 4, 8)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _gang = new WorkerGang(Threads, Work);

    [GlobalCleanup]
    public void Cleanup() => _gang!.Dispose();

    [IterationSetup]
    public void NewQueue()
    {
        _counters = new PipelineCounters();
        _signal = new WriterSignal();
        _queue = new DualQueue(Operations, _counters, _signal);
        // Grow the channel's buffer to its full size now, so no resize happens while measuring.
        SpanRecord record = NewRecord();
        for (int i = 0; i < Operations; i++)
        {
            _queue.Enqueue(ref record);
        }

        while (_queue.Normal.TryRead(out _))
        {
        }
    }

    [IterationCleanup]
    public void CheckQueue()
    {
        if (_counters!.DroppedAtEnqueue != 0 || _queue!.Depth != Operations)
        {
            throw new InvalidOperationException($"expected {Operations} queued and none dropped, got depth {_queue!.Depth}, dropped {_counters.DroppedAtEnqueue}");
        }

        _signal!.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public void Enqueue() => _gang!.Run();

    private static SpanRecord NewRecord()
    {
        var record = new SpanRecord
        {
            Site = s_site,
            TraceHigh = 0x0123456789abcdef,
            TraceLow = 0xfedcba9876543210,
            SpanId = 42,
            StartTimestamp = 1,
            EndTimestamp = 2,
            ThreadId = 1,
        };
        record.SetArgument(0, CapturedValue.FromInt64(3));
        record.SetArgument(1, CapturedValue.FromInt64(4));
        record.Result = CapturedValue.FromInt64(7);
        record.HasResult = true;
        return record;
    }

    private void Work(int index)
    {
        int share = Operations / Threads + (index < Operations % Threads ? 1 : 0);
        DualQueue queue = _queue!;
        SpanRecord record = NewRecord();
        for (int i = 0; i < share; i++)
        {
            queue.Enqueue(ref record);
        }
    }
}
