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
/// <para><c>WriterRunning = false</c>: the queue alone. No writer runs: a fresh queue, grown beforehand to hold a whole
/// invocation (16,384 records, 4 MB: it stays in cache), is used for each iteration, so every enqueue succeeds and
/// the channel's buffer never resizes during the measurement.</para>
/// <para><c>WriterRunning = true</c>: the same enqueues into a running pipeline whose writer thread drains the queue
/// concurrently (into a sink that only counts), as in production: producers and the writer share the channel's
/// lock. Drops, if any, are printed at the end.</para>
/// </remarks>
[MemoryDiagnoser]
public class QueueEnqueueBenchmarks
{
    private const int Operations = 16_384;

    private static readonly MonitorSite s_site = new("Bench.Queue.Enqueue", null, new[] { "a", "b" }, 1.0, 1000);

    private WorkerGang? _gang;
    private DualQueue? _queue;
    private PipelineCounters? _counters;
    private WriterSignal? _signal;

    private Pipeline? _pipeline;

    [Params(1, 2, 4, 8)]
    public int Threads { get; set; }

    [Params(false, true)]
    public bool WriterRunning { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _gang = new WorkerGang(Threads, Work);
        if (WriterRunning)
        {
            InstrumentorPipeline.StartWithNoopSink();
            _pipeline = RecordQueue.Current;
        }

        WarmUp();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _gang!.Dispose();
        if (WriterRunning)
        {
            InstrumentorPipeline.Report($"queue, {Threads} threads");
        }
    }

    [IterationSetup]
    public void NewQueue()
    {
        if (WriterRunning)
        {
            return;
        }

        _counters = new PipelineCounters();
        _signal = new WriterSignal();
        _queue = new DualQueue(new MonitoringOptions { QueueCapacity = Operations, OverflowPolicy = OverflowPolicy.DropNewest }, _counters, _signal);
        // Grow the channel's buffer to its full size now, so no resize happens while measuring.
        SpanRecord record = NewRecord();
        for (int i = 0; i < Operations; i++)
        {
            _queue.Enqueue(ref record);
        }

        while (_queue.Normal.TryDequeue(out _))
        {
        }
    }

    [IterationCleanup]
    public void CheckQueue()
    {
        if (WriterRunning)
        {
            return;
        }

        if (_counters!.DroppedAtEnqueue != 0 || _queue!.Depth != Operations)
        {
            throw new InvalidOperationException($"expected {Operations} queued and none dropped, got depth {_queue!.Depth}, dropped {_counters.DroppedAtEnqueue}");
        }

        _signal!.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public void Enqueue() => _gang!.Run();

    /// <summary>
    /// An iteration is one invocation of a few ms, so BDN's warm-up alone ends before the JIT's tiering delay (100 ms):
    /// run the measured code for a while first, then give the background compiler time to install the optimized code.
    /// </summary>
    private void WarmUp()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 500)
        {
            NewQueue();
            Work(0);
            if (!WriterRunning)
            {
                _signal!.Dispose();
            }
        }

        System.Threading.Thread.Sleep(500);
    }

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
        SpanRecord record = NewRecord();
        if (WriterRunning)
        {
            Pipeline pipeline = _pipeline!;
            for (int i = 0; i < share; i++)
            {
                pipeline.Enqueue(ref record);
            }

            return;
        }

        DualQueue queue = _queue!;
        for (int i = 0; i < share; i++)
        {
            queue.Enqueue(ref record);
        }
    }
}
