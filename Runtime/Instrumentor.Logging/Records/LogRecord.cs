using System;
using System.Collections.Generic;

namespace Instrumentor.Logging;

/// <summary>
/// One log line, in the shape the collector's <c>POST /api/ingest</c> takes: <c>timestamp</c> (ISO 8601, UTC),
/// <c>level</c>, <c>event</c> (the message), <c>logger</c>, <c>trace_id</c>, <c>span_id</c>, <c>parent_id</c>,
/// <c>exception</c> (a structured object) and the structured state and scopes as further fields.
/// </summary>
public sealed class LogRecord
{
    /// <summary>Creates a line logged now.</summary>
    /// <param name="level">The level name: <c>Trace</c>, <c>Debug</c>, <c>Information</c>, <c>Warning</c>, <c>Error</c>, <c>Critical</c>.</param>
    /// <param name="message">The formatted message (the line's <c>event</c>).</param>
    public LogRecord(string level, string message)
    {
        ArgumentNullException.ThrowIfNull(level);
        ArgumentNullException.ThrowIfNull(message);
        Level = level;
        Event = message;
        Timestamp = DateTimeOffset.UtcNow;
    }

    /// <summary>When the line was logged (UTC).</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The level name.</summary>
    public string Level { get; }

    /// <summary>The formatted message.</summary>
    public string Event { get; }

    /// <summary>The logger's category, usually the type that logged.</summary>
    public string? Logger { get; init; }

    /// <summary>The trace id of the span the line was logged in (32 lowercase hex), or null outside any span.</summary>
    public string? TraceId { get; init; }

    /// <summary>The span id the line was logged in (16 lowercase hex), or null.</summary>
    public string? SpanId { get; init; }

    /// <summary>The parent of that span (16 lowercase hex), or null when it is a root or unknown.</summary>
    public string? ParentId { get; init; }

    /// <summary>The exception logged with the line, as a structured value.</summary>
    public LogException? Exception { get; init; }

    /// <summary>The <see cref="Microsoft.Extensions.Logging.EventId"/> (0 when none).</summary>
    public int EventId { get; init; }

    /// <summary>The service that logged (the collector's <c>service</c> column), or null.</summary>
    public string? Service { get; init; }

    /// <summary>
    /// The structured state (the message template's arguments, <c>{OriginalFormat}</c> as <c>message_template</c>)
    /// and the values of the active scopes, written as fields of the line.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Fields { get; init; } = [];
}
