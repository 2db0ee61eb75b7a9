using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Instrumentor.Runtime;

namespace Instrumentor.Benchmarks.Benchmarks;

/// <summary>
/// The pieces the sync wrapper is made of, timed one by one (docs/benchmarks.md, "Why"): clock reads, context reads,
/// id generation, the span start/exit without the queue, and the queues a record could go into.
/// </summary>
[MemoryDiagnoser]
public class HotPathPieceBenchmarks
{
    private static readonly AsyncLocal<object?> s_asyncLocal = new();
    // Another AsyncLocal of the application (a request's, say): with it set, every set of ours copies a bigger map.
    private static readonly AsyncLocal<object?> s_otherLocal = new();
    private static readonly object s_boxed = new();
    private static readonly MonitorSite s_sampled = new("Bench.Pieces.Sampled", null, new[] { "a", "b" }, 1.0, 1000);
    private static readonly MonitorSite s_unsampled = new("Bench.Pieces.Unsampled", null, new[] { "a", "b" }, 0.0, 1000);

    [ThreadStatic] private static long t_slot;

    private readonly Channel<SpanRecord> _channel = Channel.CreateBounded<SpanRecord>(new BoundedChannelOptions(1024)
    {
        SingleReader = true,
        SingleWriter = false,
        FullMode = BoundedChannelFullMode.Wait,
        AllowSynchronousContinuations = false,
    });

    private readonly ConcurrentQueue<SpanRecord> _concurrentQueue = new();

    private readonly RecordRing _ring = new(1024);

    private SpanRecord _record;

    private readonly SpanRecord[] _heapSlots = new SpanRecord[1];

    [GlobalSetup]
    public void Setup()
    {
        _record.Site = s_sampled;
        _record.SetArgument(0, CapturedValue.FromInt64(3));
        _record.SetArgument(1, CapturedValue.FromInt64(4));
        _record.Result = CapturedValue.FromInt64(7);
        Infrastructure.InstrumentorPipeline.WaitForClock();
        Console.WriteLine($"// sizeof(SpanRecord) = {Unsafe.SizeOf<SpanRecord>()} B, sizeof(SyncSpan) = {Unsafe.SizeOf<SyncSpan>()} B, sizeof(CapturedValue) = {Unsafe.SizeOf<CapturedValue>()} B");
    }

    [Benchmark]
    public long StopwatchGetTimestamp() => Stopwatch.GetTimestamp();

    /// <summary>The clock the spans read: the time-stamp counter mapped to Stopwatch ticks where usable (SpanClock).</summary>
    [Benchmark]
    public long SpanClockNow() => SpanClock.Now();

    [Benchmark]
    public long EnvironmentTickCount64() => Environment.TickCount64;

    [Benchmark]
    public Activity? ActivityCurrent() => Activity.Current;

    [Benchmark]
    public object? AsyncLocalRead() => s_asyncLocal.Value;

    [Benchmark]
    public long ThreadStaticReadWrite() => ++t_slot;

    /// <summary>What publishing a span in the async flow costs with a plain restore: an AsyncLocal set, then set back.</summary>
    [Benchmark]
    [Arguments(false)]
    [Arguments(true)]
    public object? AsyncLocalSetAndSetBack(bool otherLocalSet)
    {
        s_otherLocal.Value = otherLocalSet ? s_boxed : null;
        object? saved = s_asyncLocal.Value;
        s_asyncLocal.Value = s_boxed;
        s_asyncLocal.Value = saved;
        return saved;
    }

    /// <summary>
    /// The same with the restore SyncSpan.StartFlowing uses: the context captured before the set is put back when
    /// nothing else changed it (SpanContext.Publish / Unpublish), which allocates no second context.
    /// </summary>
    [Benchmark]
    [Arguments(false)]
    [Arguments(true)]
    public object? AsyncLocalSetAndContextRestore(bool otherLocalSet)
    {
        s_otherLocal.Value = otherLocalSet ? s_boxed : null;
        object? saved = s_asyncLocal.Value;
        ExecutionContext? before = ExecutionContext.Capture();
        s_asyncLocal.Value = s_boxed;
        ExecutionContext? published = ExecutionContext.Capture();
        if (before is not null && ReferenceEquals(ExecutionContext.Capture(), published))
        {
            ExecutionContext.Restore(before);
        }
        else
        {
            s_asyncLocal.Value = saved;
        }

        return saved;
    }

    /// <summary>What a sampled span pays for the OpenTelemetry bridge when nothing listens: one read of the listener list.</summary>
    [Benchmark]
    public bool BridgeIsListening() => Instrumentor.Activities.ActivityBridge.IsListening;

    /// <summary>What an unsampled span draws: one step of the thread's counter (its id is derived only if it fails).</summary>
    [Benchmark]
    public ulong NextKey() => ThreadTraceState.Current.NextKey();

    [Benchmark]
    public ulong NewSpanId() => SpanIds.NewSpanId();

    [Benchmark]
    public ulong NewTraceId()
    {
        SpanIds.NewTraceId(out ulong high, out ulong low);
        return high ^ low;
    }

    /// <summary>The whole unsampled wrapper minus the target call: start, exit, complete (which returns at once).</summary>
    [Benchmark]
    public bool UnsampledStartExit()
    {
        SyncSpan.Start(s_unsampled, out SyncSpan span);
        span.Exit();
        span.Complete();
        return span.IsSampled;
    }

    /// <summary>The sampled wrapper minus the queue: start (1 timestamp), 3 captures, exit, the end timestamp.</summary>
    [Benchmark]
    public long SampledStartExitNoEnqueue()
    {
        SyncSpan.Start(s_sampled, out SyncSpan span);
        span.SetArgument(0, CapturedValue.FromInt64(3));
        span.SetArgument(1, CapturedValue.FromInt64(4));
        span.Exit();
        span.SetResult(CapturedValue.FromInt64(7));
        return SpanClock.Now();
    }

    /// <summary>Copying one record (the size of what goes through the queue).</summary>
    [Benchmark]
    public long CopyRecord()
    {
        SpanRecord copy = Copy(in _record);
        return (long)copy.SpanId;
    }

    /// <summary>Copying one record into an element of a heap array (what the enqueue does): a plain assignment, with a write barrier per reference field.</summary>
    [Benchmark]
    public long CopyRecordIntoHeapSlot()
    {
        _heapSlots[0] = _record;
        return _heapSlots.Length;
    }

    /// <summary>The same copy as one block move (one card-marking pass for the whole record).</summary>
    [Benchmark]
    public long CopyRecordIntoHeapSlotAsBlock()
    {
        new ReadOnlySpan<SpanRecord>(in _record).CopyTo(_heapSlots);
        return _heapSlots.Length;
    }

    /// <summary>The bounded channel alone, one thread, no contention: TryWrite then TryRead of one record.</summary>
    [Benchmark]
    public bool ChannelTryWriteTryRead()
    {
        _channel.Writer.TryWrite(_record);
        return _channel.Reader.TryRead(out _);
    }

    /// <summary>The ring that replaced the channel: TryEnqueue then TryDequeue of one record, one thread.</summary>
    [Benchmark]
    public bool RingEnqueueDequeue()
    {
        _ring.TryEnqueue(_record);
        return _ring.TryDequeue(out _);
    }

    /// <summary>A lock-free queue for comparison: Enqueue then TryDequeue of one record, one thread.</summary>
    [Benchmark]
    public bool ConcurrentQueueEnqueueDequeue()
    {
        _concurrentQueue.Enqueue(_record);
        return _concurrentQueue.TryDequeue(out _);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static SpanRecord Copy(in SpanRecord record) => record;
}
