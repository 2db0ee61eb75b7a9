using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Activities;

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
/// <para>
/// The thread's frame does not travel with the <see cref="System.Threading.ExecutionContext"/>: work this call
/// starts elsewhere (a task, a thread, a timer, an await continuation) would not see it. A method whose body can
/// start such work is wrapped with <see cref="StartFlowing"/> instead (the generator decides from the body), which
/// also publishes the span in the async flow, at the price of an AsyncLocal write.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct SyncSpan
{
    // The record is complete only for a sampled call (or after a failure); an unsampled call sets just its site.
    private SpanRecord _record;
    private ThreadSpanFrame _saved;
    private ulong _key;
    private AsyncSpanFrame? _asyncParent;
    // Set only by StartFlowing: what Exit needs to take the published frame back out of the async flow.
    private AsyncSpanFrame? _flowSaved;
    private ExecutionContext? _contextBefore;
    private ExecutionContext? _contextPublished;
    // Set only when the call failed: its record waits for the frame to unwind (see PendingFailure).
    private PendingFailure? _pending;
    // Set only while something listens to the OpenTelemetry bridge: the call's activity, and the one it replaced.
    private Activity? _activity;
    private Activity? _activityBefore;
    private ParentKind _parent;
    private bool _sampled;
    private bool _flows;

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

    /// <summary>
    /// Starts the span like <see cref="Start"/> and also makes it current in the async flow, so that work the call
    /// starts on other threads (<c>Task.Run</c>, <c>Parallel.For</c>, the thread pool, threads, timers, the
    /// continuations of async lambdas) nests under it: the <see cref="ExecutionContext"/> they capture carries it.
    /// Costs an AsyncLocal write (one allocation of the context, and a small frame) on top of <see cref="Start"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StartFlowing(MonitorSite site, out SyncSpan span)
    {
        Unsafe.SkipInit(out span);
        span.Begin(site);
        span.Publish();
    }

    /// <summary>
    /// Begins the span, then its OpenTelemetry activity when it is sampled and something listens: one check after
    /// <see cref="BeginSpan"/> rather than one per sampled branch keeps those branches (and the unsampled path
    /// through them) as small as without the bridge.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Begin(MonitorSite site)
    {
        _activity = null;
        BeginSpan(site);
        if (_sampled && ActivityBridge.IsListening)
        {
            StartActivity();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void BeginSpan(MonitorSite site)
    {
        ref ThreadTraceState thread = ref ThreadTraceState.Current;
        AsyncSpanFrame? asyncFrame = SpanContext.CurrentAsyncFrame;
        ulong asyncAtEntry = SpanContext.IdOf(asyncFrame);
        ulong key = thread.NextKey();
        _record.Site = site;
        _key = key;
        _saved = thread.Frame;
        _asyncParent = null;
        _pending = null;
        _flows = false;
        if (_saved.Active && _saved.AsyncAtEntry == asyncAtEntry)
        {
            // A child of the sync call running on this thread: same trace, same sampling decision, same async entry.
            _parent = ParentKind.ThreadFrame;
            _sampled = _saved.Sampled;
            thread.Frame.SpanKey = key;
            if (_sampled)
            {
                // A sampled frame always holds its drawn trace id (only unsampled roots defer theirs).
                _record.Start(_saved.TraceHigh, _saved.TraceLow, SpanIds.SpanIdOf(key), SpanIds.SpanIdOf(_saved.SpanKey), SpanClock.Now());
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
                _record.Start(asyncFrame.TraceHigh, asyncFrame.TraceLow, SpanIds.SpanIdOf(key), asyncFrame.SpanId, SpanClock.Now());
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

        long now = SpanClock.Now();
        if (!SpanContext.AdoptActivity(out ulong traceHigh, out ulong traceLow, out ulong parentSpanId))
        {
            SpanIds.NewTraceId(key, now, out traceHigh, out traceLow);
        }

        thread.Frame = new ThreadSpanFrame { TraceHigh = traceHigh, TraceLow = traceLow, SpanKey = key, Active = true, Sampled = true };
        _record.Start(traceHigh, traceLow, SpanIds.SpanIdOf(key), parentSpanId, now);
    }

    /// <summary>
    /// Starts the call's OpenTelemetry activity (<see cref="ActivityBridge"/>) and gives the span, and the thread's
    /// frame that its children read, the activity's ids.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void StartActivity()
    {
        Activity? before = Activity.Current;
        Activity? activity = ActivityBridge.Start(ref _record);
        if (activity is null)
        {
            return;
        }

        _activity = activity;
        _activityBefore = before;
        _key = SpanIds.KeyOf(_record.SpanId);
        ref ThreadTraceState thread = ref ThreadTraceState.Unchecked;
        thread.Frame.SpanKey = _key;
        thread.Frame.TraceHigh = _record.TraceHigh;
        thread.Frame.TraceLow = _record.TraceLow;
    }

    /// <summary>
    /// Puts this span, as a frame of ids only (it references nothing, so work that outlives the call keeps no
    /// captured value alive), into the async flow, and marks the thread's frame as entered under it: code of
    /// this flow on this thread keeps using the thread's frame, a continuation of another flow run inline here
    /// sees another async frame and does not adopt it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Publish()
    {
        ref ThreadSpanFrame frame = ref ThreadTraceState.Unchecked.Frame;
        SpanContext.TraceOf(in frame, out ulong traceHigh, out ulong traceLow);
        var published = new AsyncSpanFrame(traceHigh, traceLow, SpanIds.SpanIdOf(_key), _sampled);
        _flowSaved = SpanContext.CurrentAsyncFrame;
        _contextBefore = SpanContext.Publish(published, out _contextPublished);
        frame.AsyncAtEntry = published.SpanId;
        _flows = true;
    }

    /// <summary>Stores a captured argument (call only when <see cref="IsSampled"/>).</summary>
    public void SetArgument(int index, CapturedValue value) => _record.SetArgument(index, value);

    /// <summary>Stores the captured return value (call only when <see cref="IsSampled"/>).</summary>
    public void SetResult(CapturedValue value)
    {
        _record.Result = value;
        _record.HasResult = true;
    }

    /// <summary>
    /// Restores the span that was current on this thread (and, after <see cref="StartFlowing"/>, in the async flow)
    /// before the start, and queues the failure if the call is leaving with an exception.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Exit()
    {
        ThreadTraceState.Unchecked.Frame = _saved;
        if (_flows | _pending is not null)
        {
            ExitSlow();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ExitSlow()
    {
        if (_flows)
        {
            SpanContext.Unpublish(_flowSaved, _contextBefore, _contextPublished);
        }

        _pending?.Send();
    }

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
        if (_pending is not null)
        {
            // An exception passed the filter but was swallowed inside the callee (a finally that threw and caught):
            // the failure was recorded when the frame unwound; one record per span.
            return;
        }

        _record.EndTimestamp = SpanClock.Now();
        _record.ThreadId = Environment.CurrentManagedThreadId;
        if (_activity is not null)
        {
            ActivityBridge.End(_activity, in _record, null, _activityBefore);
        }

        RecordQueue.Enqueue(ref _record);
    }

    /// <summary>
    /// Ends the span of a call that returned <paramref name="task"/>, in place of <see cref="Complete"/> (after
    /// <see cref="Exit"/>), and returns the task itself. The generator uses a sync span for a task-returning method
    /// only when its body awaits nothing and starts nothing (its task is done at return, or finished by code that
    /// is not the call's): a completed task is recorded now with no allocation; a pending one when it completes.
    /// </summary>
    public Task Track(Task task)
    {
        if (task is null || task.IsCompletedSuccessfully)
        {
            Complete();
        }
        else
        {
            EndLater(task);
        }

        return task!;
    }

    /// <summary><see cref="Track(Task)"/> with the task's result captured by <paramref name="captureResult"/> (when sampled).</summary>
    public Task<T> Track<T>(Task<T> task, Func<T, CapturedValue>? captureResult)
    {
        if (task is null || task.IsCompletedSuccessfully)
        {
            if (_sampled && task is not null && captureResult is not null)
            {
                SetResult(SpanRecorder.CaptureSafely(captureResult, task.Result));
            }

            Complete();
        }
        else if (PrepareToEndLater(task))
        {
            PendingTaskSpan.Watch(task, ref _record, _sampled, _activity, captureResult);
        }

        return task!;
    }

    /// <summary><see cref="Track(Task)"/> for a <see cref="ValueTask"/>.</summary>
    public ValueTask Track(ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
        {
            Complete();
            return task;
        }

        return new ValueTask(Track(task.AsTask()));
    }

    /// <summary><see cref="Track{T}(Task{T}, Func{T, CapturedValue})"/> for a <see cref="ValueTask{TResult}"/>.</summary>
    public ValueTask<T> Track<T>(ValueTask<T> task, Func<T, CapturedValue>? captureResult)
    {
        if (task.IsCompletedSuccessfully)
        {
            if (_sampled && captureResult is not null)
            {
                SetResult(SpanRecorder.CaptureSafely(captureResult, task.Result));
            }

            Complete();
            return task;
        }

        return new ValueTask<T>(Track(task.AsTask(), captureResult));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EndLater(Task task)
    {
        if (PrepareToEndLater(task))
        {
            PendingTaskSpan.Watch(task, ref _record, _sampled, _activity);
        }
    }

    /// <summary>
    /// Before the record leaves the stack for a task that is not done: gives an unsampled call its ids (a failure is
    /// recorded whatever the sampling), and puts back the caller's activity. A task that already failed is recorded
    /// now; <see langword="false"/> then (and when the failure was recorded as the frame unwound).
    /// </summary>
    private bool PrepareToEndLater(Task task)
    {
        if (_pending is not null)
        {
            // The target threw, the exception was swallowed inside it, and it returned a task anyway: one record per span.
            return false;
        }

        if (!_sampled)
        {
            IdentifyUnsampled();
        }

        if (task.IsCompleted)
        {
            SpanRecorder.RecordFailure(ref _record, SpanRecorder.ExceptionOf(task), _sampled, _activity, _activityBefore);
            return false;
        }

        if (_activity is not null)
        {
            ActivityBridge.Restore(_activityBefore);
        }

        return true;
    }

    /// <summary>
    /// Records the exception (always, sampled or not) and returns <see langword="false"/>, so that as an exception
    /// filter it never catches: the original exception continues unchanged, with its stack trace.
    /// </summary>
    /// <remarks>
    /// The record is queued when the frame unwinds (<see cref="Exit"/>, from the wrapper's <c>finally</c>), not here:
    /// if a <c>finally</c> of the callee throws while this exception unwinds, the filter runs again with the new
    /// exception, which is the one that leaves the call; the span records that one only (see <see cref="PendingFailure"/>).
    /// </remarks>
    public bool Fail(Exception exception)
    {
        try
        {
            if (_pending is not null)
            {
                _pending.Replace(exception);
                return false;
            }

            if (!_sampled)
            {
                IdentifyUnsampled();
            }

            SpanRecorder.MarkFailed(ref _record, exception, _sampled);
            _pending = PendingFailure.Hold(ref _record);
            if (_activity is not null)
            {
                _pending.EndsActivity(_activity, _activityBefore);
            }
        }
        catch
        {
            // Nothing the tracer does may reach the caller.
        }

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
