using System;
using System.Collections.Generic;

namespace Instrumentor.Export;

/// <summary>
/// The spool outbox (<see cref="OutboxSpool"/>, used when there is no SQLite store) seen by one exporter: the spans
/// numbered after its cursor, turned into the wire's events with the system each was committed with.
/// </summary>
internal sealed class SpoolOutbox : IExportOutbox
{
    // As the SQLite store caps it: one pathological exception must not make every request huge.
    private const int MaxExceptionLength = 32_768;

    private readonly Func<OutboxSpool> _outbox;
    private readonly string _name;
    private readonly List<(long Number, SpooledSpan Span)> _read = new();
    private ReadPosition _position;

    /// <param name="outbox">The folder, opened at first use (by the writer or this exporter, whichever comes first).</param>
    /// <param name="name">The exporter's name: its cursor's key.</param>
    /// <param name="location">The folder, for messages before it is opened.</param>
    internal SpoolOutbox(Func<OutboxSpool> outbox, string name, string location)
    {
        _outbox = outbox;
        _name = name;
        Location = location;
    }

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public long ReadCursor() => _outbox().ReadCursor(_name);

    /// <inheritdoc />
    public void SaveCursor(long last) => _outbox().SaveCursor(_name, last);

    /// <inheritdoc />
    public long LastRowId() => _outbox().LastNumber;

    /// <inheritdoc />
    public long CountAfter(long after) => _outbox().CountAfter(after);

    /// <inheritdoc />
    public List<OutboxSpan> Read(long after, int limit)
    {
        _read.Clear();
        _outbox().Read(after, limit, _read, ref _position);
        var spans = new List<OutboxSpan>(_read.Count);
        // One object per system in a read: the exporter cuts runs of one system by reference.
        var systems = new Dictionary<(string, string, string), WireSystemInfo>();
        foreach ((long number, SpooledSpan span) in _read)
        {
            SystemInfo? system = span.ScopedSystem;
            var key = (system?.SystemName ?? "unknown", system?.SystemId ?? "", system?.SystemInstanceId ?? "");
            if (!systems.TryGetValue(key, out WireSystemInfo? wireSystem))
            {
                wireSystem = new WireSystemInfo
                {
                    SystemName = key.Item1,
                    SystemId = system?.SystemId,
                    SystemInstanceId = system?.SystemInstanceId,
                };
                systems[key] = wireSystem;
            }

            spans.Add(new OutboxSpan(number, wireSystem, Event(span)));
        }

        _read.Clear();
        return spans;
    }

    /// <inheritdoc />
    public void Reset() => _position = default;

    public void Dispose() => _read.Clear();

    /// <summary>A stored span as the wire's event, in the same text forms the SQLite store would give it.</summary>
    internal static WireEvent Event(SpooledSpan span)
    {
        string? exception = span.Exception is { Length: > MaxExceptionLength } text ? text[..MaxExceptionLength] : span.Exception;
        return new WireEvent
        {
            TraceId = SpanText.Hex(span.TraceHigh) + SpanText.Hex(span.TraceLow),
            SpanId = SpanText.Hex(span.SpanId),
            ParentSpanId = span.ParentSpanId == 0 ? null : SpanText.Hex(span.ParentSpanId),
            Process = span.Process,
            ProcessGroup = span.ProcessGroup,
            Start = StoreOutbox.IsoTime(SpanText.Timestamp(span.StartUnixMicroseconds)),
            DurationMs = span.DurationNanoseconds < 0 ? null : span.DurationNanoseconds / 1_000_000.0,
            Status = span.Status == SpanStatus.Ok ? "OK" : "ERR",
            ThreadId = span.ThreadId,
            Data = span.DataUtf8 is { Length: > 0 } data ? StoreOutbox.Values(System.Text.Encoding.UTF8.GetString(data)) : null,
            Exception = exception,
        };
    }
}
