using System;
using System.Collections;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Activities;

namespace Instrumentor.Runtime;

/// <summary>
/// The span of a call to an iterator (<c>IEnumerable&lt;T&gt;</c>) or async iterator (<c>IAsyncEnumerable&lt;T&gt;</c>):
/// calling one runs nothing, so the span covers the enumeration, from the call to the end of the sequence or the
/// disposal of the enumerator. It records how many items were yielded and when the first one came; calls made
/// by the iterator body while it runs are its children. Only the first enumeration is traced.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class EnumerationSpan : AsyncSpanFrame
{
    private SpanRecord _record;
    private long _firstItemTimestamp;
    private int _items;
    private int _state; // 0 created, 1 enumerating, 2 finished
    // Set only while something listens to the OpenTelemetry bridge; current during each step of the enumeration.
    private Activity? _activity;
    // The consumer's context at the last step and that context with this frame published: a step taken from the
    // same context (the common case, a loop over the sequence) goes back to the same published context, which
    // costs a restore instead of an AsyncLocal write (a new context and value map per item). Cleared at the end,
    // so work the body started that outlives the enumeration keeps no consumer context alive through this frame.
    private ExecutionContext? _stepBefore;
    private ExecutionContext? _stepPublished;

    private EnumerationSpan(MonitorSite site, in ParentSpan parent, ulong spanId)
        : base(parent.TraceHigh, parent.TraceLow, spanId, parent.Sampled)
    {
        _record.Begin(site, parent, spanId);
        _record.ThreadId = Environment.CurrentManagedThreadId;
    }

    // The span of an activity: its ids are the activity's (see ActivityBridge), its record was begun already.
    private EnumerationSpan(in SpanRecord record, Activity activity)
        : base(record.TraceHigh, record.TraceLow, record.SpanId, sampled: true)
    {
        _record = record;
        _activity = activity;
    }

    /// <summary>The parent's span id (0 for a root), for <see cref="Instrumentor.CurrentSpan"/>.</summary>
    internal ulong ParentSpanId => _record.ParentSpanId;

    /// <summary>Whether this call is recorded.</summary>
    public bool IsSampled => Sampled;

    /// <summary>Starts the span of a call to <paramref name="site"/>.</summary>
    public static EnumerationSpan Start(MonitorSite site)
    {
        AsyncSpanFrame? current = SpanContext.CurrentAsyncFrame;
        ParentSpan parent = SpanContext.ResolveParent(site, current);
        if (parent.Sampled && ActivityBridge.IsListening)
        {
            return StartWithActivity(site, parent);
        }

        return new EnumerationSpan(site, parent, SpanIds.NewSpanId());
    }

    /// <summary>
    /// <see cref="Start"/> with an OpenTelemetry listener: the span takes the ids of its activity, which is current
    /// only while the iterator body runs (<see cref="InFrame"/>), not between the steps.
    /// </summary>
    private static EnumerationSpan StartWithActivity(MonitorSite site, in ParentSpan parent)
    {
        Activity? before = Activity.Current;
        var record = default(SpanRecord);
        record.Begin(site, parent, SpanIds.NewSpanId());
        record.ThreadId = Environment.CurrentManagedThreadId;
        Activity? activity = ActivityBridge.Start(ref record);
        if (activity is null)
        {
            return new EnumerationSpan(site, parent, record.SpanId);
        }

        ActivityBridge.Restore(before);
        return new EnumerationSpan(record, activity);
    }

    /// <summary>Stores a captured argument (call only when <see cref="IsSampled"/>).</summary>
    public void SetArgument(int index, CapturedValue value) => _record.SetArgument(index, value);

    /// <summary>Records a throw from the call itself; returns <see langword="false"/> (use as an exception filter).</summary>
    public bool Fail(Exception exception)
    {
        Finish(exception);
        return false;
    }

    /// <summary>Wraps <paramref name="source"/> so that its first enumeration ends the span.</summary>
    public IEnumerable<T> Track<T>(IEnumerable<T> source) => source is null ? Finished(source!) : new TracedEnumerable<T>(source, this);

    /// <summary>Wraps <paramref name="source"/> so that its first enumeration ends the span.</summary>
    public IAsyncEnumerable<T> Track<T>(IAsyncEnumerable<T> source) => source is null ? Finished(source!) : new TracedAsyncEnumerable<T>(source, this);

    private TSource Finished<TSource>(TSource source)
    {
        Finish(null);
        return source;
    }

    /// <summary>Whether this enumeration is the traced one (the first).</summary>
    internal bool TryBegin() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

    /// <summary>One step of the traced enumeration: counts the item, or ends the span at the end of the sequence.</summary>
    internal bool Stepped(bool more)
    {
        if (!more)
        {
            Finish(null);
        }
        else if (_items++ == 0 && Sampled)
        {
            _firstItemTimestamp = SpanClock.Now();
        }

        return more;
    }

    /// <summary>Ends the span: <paramref name="exception"/> null for a normal end or an early disposal.</summary>
    internal void Finish(Exception? exception)
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        Activity? activity = _activity;
        _activity = null;
        if (exception is not null)
        {
            SpanRecorder.RecordFailure(ref _record, exception, Sampled, activity, activityBefore: null);
            _record = default;
            return;
        }

        try
        {
            if (Sampled)
            {
                _record.EndTimestamp = SpanClock.Now();
                _record.Result = CapturedValue.FromText(Describe());
                _record.HasResult = true;
                if (activity is not null)
                {
                    ActivityBridge.End(activity, in _record, null, before: null);
                }

                RecordQueue.Enqueue(ref _record);
            }
        }
        catch
        {
            // Tracing never changes the behaviour of the traced code.
        }

        // The span is the async frame of the iterator body: work it started may keep it; it keeps no captured value.
        _record = default;
        _stepBefore = null;
        _stepPublished = null;
    }

    /// <summary>Runs <paramref name="step"/> with this span as the current one (children of the iterator body).</summary>
    [StackTraceHidden]
    internal TResult InFrame<TState, TResult>(TState state, Func<TState, TResult> step)
    {
        AsyncSpanFrame? saved = SpanContext.CurrentAsyncFrame;
        Activity? activity = _activity;
        Activity? activityBefore = activity is null ? null : Activity.Current;
        ExecutionContext? before = ExecutionContext.Capture();
        ExecutionContext? published;
        if (before is not null && ReferenceEquals(before, _stepBefore) && _stepPublished is not null)
        {
            // The same consumer context as the last step: its published form is still exact (contexts are immutable).
            published = _stepPublished;
            ExecutionContext.Restore(published);
        }
        else
        {
            before = SpanContext.Publish(this, before, out published);
            _stepBefore = before;
            _stepPublished = published;
        }
        if (activity is not null)
        {
            ActivityBridge.Restore(activity);
        }

        try
        {
            return step(state);
        }
        finally
        {
            SpanContext.Unpublish(saved, before, published);
            if (activity is not null)
            {
                ActivityBridge.Restore(activityBefore);
            }
        }
    }

    private string Describe()
    {
        string text = "[" + _items.ToString(CultureInfo.InvariantCulture) + " items";
        if (_items > 0)
        {
            double ms = TimestampClock.ToNanoseconds(_record.StartTimestamp, _firstItemTimestamp) / 1_000_000.0;
            text += ", first after " + ms.ToString("0.###", CultureInfo.InvariantCulture) + " ms";
        }

        return text + "]";
    }

    private sealed class TracedEnumerable<T>(IEnumerable<T> source, EnumerationSpan span) : IEnumerable<T>
    {
        public IEnumerator<T> GetEnumerator()
        {
            IEnumerator<T> inner = source.GetEnumerator();
            return span.TryBegin() ? new TracedEnumerator<T>(inner, span) : inner;
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class TracedEnumerator<T>(IEnumerator<T> inner, EnumerationSpan span) : IEnumerator<T>
    {
        public T Current => inner.Current;

        object? IEnumerator.Current => inner.Current;

        // Hidden, like the wrapper: an exception of the iterator body shows the stack trace of an untraced enumeration.
        [StackTraceHidden]
        public bool MoveNext()
        {
            bool more;
            try
            {
                more = span.InFrame(inner, [StackTraceHidden] static (e) => e.MoveNext());
            }
            catch (Exception ex) when (span.Fail(ex))
            {
                throw;
            }

            return span.Stepped(more);
        }

        public void Reset() => inner.Reset();

        [StackTraceHidden]
        public void Dispose()
        {
            try
            {
                inner.Dispose();
            }
            finally
            {
                span.Finish(null);
            }
        }
    }

    private sealed class TracedAsyncEnumerable<T>(IAsyncEnumerable<T> source, EnumerationSpan span) : IAsyncEnumerable<T>
    {
        public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            IAsyncEnumerator<T> inner = source.GetAsyncEnumerator(cancellationToken);
            return span.TryBegin() ? new TracedAsyncEnumerator<T>(inner, span) : inner;
        }
    }

    private sealed class TracedAsyncEnumerator<T>(IAsyncEnumerator<T> inner, EnumerationSpan span) : IAsyncEnumerator<T>
    {
        public T Current => inner.Current;

        [StackTraceHidden]
        public async ValueTask<bool> MoveNextAsync()
        {
            bool more;
            try
            {
                // The frame is set while the iterator's synchronous part runs; its continuations capture it.
                more = await span.InFrame(inner, [StackTraceHidden] static (e) => e.MoveNextAsync()).ConfigureAwait(false);
            }
            catch (Exception ex) when (span.Fail(ex))
            {
                throw;
            }

            return span.Stepped(more);
        }

        [StackTraceHidden]
        public async ValueTask DisposeAsync()
        {
            try
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                span.Finish(null);
            }
        }
    }
}
