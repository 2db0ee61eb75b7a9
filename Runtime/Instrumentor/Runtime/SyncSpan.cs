using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Instrumentor.Runtime;

/// <summary>
/// The span of one synchronous monitored call, kept on the caller's stack by the generated wrapper:
/// <code>
/// SyncSpan.Start(site, out var span);       // parent, sampling, ids, first timestamp
/// if (span.IsSampled) span.SetArgument(0, CapturedValue.FromInt64(a));
/// try { result = Target(a); }
/// catch (Exception ex) when (span.Fail(ex)) { throw; }   // records, never catches
/// finally { span.Exit(); }                  // restores the thread's current span
/// if (span.IsSampled) { span.SetResult(...); span.Complete(); }
/// </code>
/// </summary>
/// <remarks>
/// A call that is not sampled costs a key from the thread's counter and a save and restore of the thread's frame:
/// it takes no timestamp and draws no id. If it fails, its ids are derived then from what it saved (its key, the
/// frame it replaced, its async parent), the same way its children derive theirs.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct SyncSpan
{
    // The record is complete only for a sampled call (or after a failure); an unsampled call sets just its site.
    private SpanRecord _record;
    private ThreadSpanFrame _saved;
    private ulong _key;
    private AsyncSpanFrame? _asyncParent;
    private ParentKind _parent;
    private bool _sampled;

    private enum ParentKind : byte
    {
        Root,
        ThreadFrame,
        AsyncFrame,
    }

    /// <summary>Whether this call is recorded (its arguments and result are captured).</summary>
    public readonly bool IsSampled => _sampled;

    /// <summary>Starts the span of a call to <paramref name="site"/> in <paramref name="span"/> and makes it current on this thread.</summary>
    /// <remarks>
    /// The span is an <see langword="out"/> parameter so that it is filled in place in the wrapper's frame: returning
    /// a ~300-byte struct that holds references costs a second zeroing and a copy with write barriers.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Start(MonitorSite site, out SyncSpan span)
    {
        // Begin sets every field that is read later; the wrapper's local was zeroed in its prolog anyway.
        Unsafe.SkipInit(out span);
        span.Begin(site);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Begin(MonitorSite site)
    {
        ref ThreadTraceState thread = ref ThreadTraceState.Current;
        AsyncSpanFrame? asyncFrame = SpanContext.CurrentAsyncFrame;
        ulong asyncAtEntry = SpanContext.IdOf(asyncFrame);
        ulong key = thread.NextKey();
        _record.Site = site;
        _key = key;
        _saved = thread.Frame;
        _asyncParent = null;
        if (_saved.Active && _saved.AsyncAtEntry == asyncAtEntry)
        {
            // A child of the sync call running on this thread: same trace, same sampling decision, same async entry.
            _parent = ParentKind.ThreadFrame;
            _sampled = _saved.Sampled;
            thread.Frame.SpanKey = key;
            if (_sampled)
            {
                // A sampled frame always holds its drawn trace id (only unsampled roots defer theirs).
                _record.Start(_saved.TraceHigh, _saved.TraceLow, SpanIds.SpanIdOf(key), SpanIds.SpanIdOf(_saved.SpanKey), Stopwatch.GetTimestamp());
            }

            return;
        }

        BeginUnderAsyncFrameOrAsRoot(site, ref thread, asyncFrame, key);
    }

    private void BeginUnderAsyncFrameOrAsRoot(MonitorSite site, ref ThreadTraceState thread, AsyncSpanFrame? asyncFrame, ulong key)
    {
        if (asyncFrame is not null)
        {
            _parent = ParentKind.AsyncFrame;
            _asyncParent = asyncFrame;
            _sampled = asyncFrame.Sampled;
            thread.Frame = new ThreadSpanFrame
            {
                TraceHigh = asyncFrame.TraceHigh,
                TraceLow = asyncFrame.TraceLow,
                SpanKey = key,
                AsyncAtEntry = asyncFrame.SpanId,
                Active = true,
                Sampled = _sampled,
            };
            if (_sampled)
            {
                _record.Start(asyncFrame.TraceHigh, asyncFrame.TraceLow, SpanIds.SpanIdOf(key), asyncFrame.SpanId, Stopwatch.GetTimestamp());
            }

            return;
        }

        _parent = ParentKind.Root;
        _sampled = site.SampleRoot(ref thread);
        if (!_sampled)
        {
            // The trace id is not drawn: children and a failure derive it from this key (SpanContext.TraceOf).
            thread.Frame = new ThreadSpanFrame { TraceLow = key, SpanKey = key, Active = true, TraceLazy = true };
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (!SpanContext.AdoptActivity(out ulong traceHigh, out ulong traceLow, out ulong parentSpanId))
        {
            SpanIds.NewTraceId(key, now, out traceHigh, out traceLow);
        }

        thread.Frame = new ThreadSpanFrame { TraceHigh = traceHigh, TraceLow = traceLow, SpanKey = key, Active = true, Sampled = true };
        _record.Start(traceHigh, traceLow, SpanIds.SpanIdOf(key), parentSpanId, now);
    }

    /// <summary>Stores a captured argument (call only when <see cref="IsSampled"/>).</summary>
    public void SetArgument(int index, CapturedValue value) => _record.SetArgument(index, value);

    /// <summary>Stores the captured return value (call only when <see cref="IsSampled"/>).</summary>
    public void SetResult(CapturedValue value)
    {
        _record.Result = value;
        _record.HasResult = true;
    }

    /// <summary>Restores the span that was current on this thread before <see cref="Start"/>.</summary>
    public readonly void Exit() => ThreadTraceState.Unchecked.Frame = _saved;

    /// <summary>Ends a sampled call that returned normally and queues its record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Complete()
    {
        if (_sampled)
        {
            CompleteSampled();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CompleteSampled()
    {
        _record.EndTimestamp = Stopwatch.GetTimestamp();
        _record.ThreadId = Environment.CurrentManagedThreadId;
        RecordQueue.Enqueue(ref _record);
    }

    /// <summary>
    /// Records the exception (always, sampled or not) and returns <see langword="false"/>, so that as an exception
    /// filter it never catches: the original exception continues unchanged, with its stack trace.
    /// </summary>
    public bool Fail(Exception exception)
    {
        if (!_sampled)
        {
            IdentifyUnsampled();
        }

        SpanRecorder.RecordFailure(ref _record, exception, _sampled);
        return false;
    }

    /// <summary>Gives the record of an unsampled call its ids, derived as its children derive theirs.</summary>
    private void IdentifyUnsampled()
    {
        ulong traceHigh, traceLow, parentSpanId;
        switch (_parent)
        {
            case ParentKind.ThreadFrame:
                SpanContext.TraceOf(in _saved, out traceHigh, out traceLow);
                parentSpanId = SpanIds.SpanIdOf(_saved.SpanKey);
                break;
            case ParentKind.AsyncFrame:
                traceHigh = _asyncParent!.TraceHigh;
                traceLow = _asyncParent.TraceLow;
                parentSpanId = _asyncParent.SpanId;
                break;
            default:
                SpanContext.LazyRootTrace(_key, out traceHigh, out traceLow, out parentSpanId);
                break;
        }

        MonitorSite site = _record.Site!;
        _record = default;
        _record.Site = site;
        _record.Start(traceHigh, traceLow, SpanIds.SpanIdOf(_key), parentSpanId, timestamp: 0);
    }
}
