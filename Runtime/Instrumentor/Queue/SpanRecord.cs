using System;
using Instrumentor.Runtime;

namespace Instrumentor;

/// <summary>
/// One finished call, as it travels from the caller to the writer: a struct copied into the queue, holding
/// raw timestamps and captured values; formatting to text happens on the writer thread.
/// </summary>
internal struct SpanRecord
{
    /// <summary>The monitored method; <see langword="null"/> for a flush barrier or a replayed record.</summary>
    internal MonitorSite? Site;
    internal ulong TraceHigh;
    internal ulong TraceLow;
    internal ulong SpanId;
    /// <summary>0 for a root span.</summary>
    internal ulong ParentSpanId;
    /// <summary>Stopwatch timestamp of the start (of the failure, for an unsampled error).</summary>
    internal long StartTimestamp;
    /// <summary>Stopwatch timestamp of the end; 0 when the duration was not measured.</summary>
    internal long EndTimestamp;
    internal Exception? Exception;
    internal int ThreadId;
    internal SpanStatus Status;
    internal bool HasResult;
    /// <summary>How many arguments were captured (inline first, then <see cref="MoreArguments"/>).</summary>
    internal byte ArgumentCount;
    internal CapturedArguments Arguments;
    internal CapturedValue[]? MoreArguments;
    internal CapturedValue Result;
    /// <summary>Set only on a flush barrier: completed once everything queued before it is durable.</summary>
    internal FlushBarrier? Barrier;
    /// <summary>Set only on a record replayed from the spool: the stored form replaces every field above.</summary>
    internal SpooledSpan? Spooled;
    /// <summary>The system of a <see cref="Monitoring.BeginSystem"/> scope the span started in; null: the process's own.</summary>
    internal SystemInfo? ScopedSystem;

    internal readonly bool IsBarrier => Barrier is not null;

    /// <summary>Fills the identity of a span starting now; takes the start timestamp only when it is sampled.</summary>
    internal void Begin(MonitorSite site, in ParentSpan parent, ulong spanId)
    {
        Site = site;
        Start(parent.TraceHigh, parent.TraceLow, spanId, parent.ParentSpanId,
            parent.Sampled ? SpanClock.Now() : 0);
    }

    /// <summary>
    /// Fills the identity of a span starting at <paramref name="timestamp"/> (0: not measured) and clears what an
    /// earlier use of the same storage could have left (the wrapper's sync span is not zeroed again between calls).
    /// </summary>
    internal void Start(ulong traceHigh, ulong traceLow, ulong spanId, ulong parentSpanId, long timestamp)
    {
        TraceHigh = traceHigh;
        TraceLow = traceLow;
        SpanId = spanId;
        ParentSpanId = parentSpanId;
        StartTimestamp = timestamp;
        EndTimestamp = 0;
        Exception = null;
        Status = SpanStatus.Ok;
        HasResult = false;
        ArgumentCount = 0;
        MoreArguments = null;
        Barrier = null;
        Spooled = null;
        // A null constant is stored without a GC write barrier; a process that never began a system scope stores it.
        if (SystemScope.EverUsed)
        {
            ScopedSystem = SystemScope.Current;
        }
        else
        {
            ScopedSystem = null;
        }
    }

    /// <summary>The captured argument at <paramref name="index"/>.</summary>
    internal readonly CapturedValue GetArgument(int index) =>
        index < CapturedArguments.Capacity ? Arguments[index] : MoreArguments![index - CapturedArguments.Capacity];

    /// <summary>Stores the argument at <paramref name="index"/> (indices are dense, from 0).</summary>
    internal void SetArgument(int index, in CapturedValue value)
    {
        if (index < CapturedArguments.Capacity)
        {
            Arguments[index] = value;
        }
        else
        {
            MoreArguments ??= new CapturedValue[Site!.ParameterNames.Length - CapturedArguments.Capacity];
            MoreArguments[index - CapturedArguments.Capacity] = value;
        }

        if (index >= ArgumentCount)
        {
            ArgumentCount = (byte)(index + 1);
        }
    }
}
