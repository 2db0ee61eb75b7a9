using System;
using System.Collections.Generic;
using System.Globalization;
using Instrumentor.Export;
using Instrumentor.Export.Otlp;
using static Instrumentor.Export.Otlp.OtlpCommon;

namespace Instrumentor.Logging;

/// <summary>
/// Encodes log lines as an OTLP <c>ExportLogsServiceRequest</c> (protobuf; the wire form of <c>LogsData</c>), with the
/// field numbers of the OTLP specification's logs, common, resource and collector messages. One resource per service
/// (<c>service.name</c>, <c>service.instance.id</c> and <c>instrumentor.system_id</c> of this process, as the span
/// exporter sends them), one scope per logger (its category, as OpenTelemetry .NET names the scope). A line: its time
/// (also the observed time), severity number and text (the level), the message as the body, the trace and span ids
/// as bytes, the event id and the state's fields as attributes (the names of the JSON line), the parent span id as
/// <c>instrumentor.parent_span_id</c> and the exception as <c>exception.type</c>, <c>exception.message</c> and
/// <c>exception.stacktrace</c> (OpenTelemetry's semantic conventions). Used by the worker only: not thread-safe.
/// </summary>
internal sealed class OtlpLogEncoder
{
    internal const string LogsPath = "v1/logs";
    internal const string ContentType = "application/x-protobuf";
    internal const string ParentSpanIdKey = "instrumentor.parent_span_id";

    // Field numbers of the OTLP messages.
    private const int RequestResourceLogs = 1;      // ExportLogsServiceRequest.resource_logs (LogsData.resource_logs)
    private const int ResourceLogsResource = 1;     // ResourceLogs.resource
    private const int ResourceLogsScopeLogs = 2;    // ResourceLogs.scope_logs
    private const int ResourceAttributes = 1;       // Resource.attributes
    private const int ScopeLogsScope = 1;           // ScopeLogs.scope
    private const int ScopeLogsLogRecords = 2;      // ScopeLogs.log_records
    private const int ScopeName = 1;                // InstrumentationScope.name
    private const int RecordTime = 1;               // LogRecord.time_unix_nano (fixed64)
    private const int RecordSeverityNumber = 2;     // LogRecord.severity_number (enum SeverityNumber)
    private const int RecordSeverityText = 3;       // LogRecord.severity_text
    private const int RecordBody = 5;               // LogRecord.body (AnyValue)
    private const int RecordAttributes = 6;         // LogRecord.attributes
    private const int RecordTraceId = 9;            // LogRecord.trace_id (16 bytes)
    private const int RecordSpanId = 10;            // LogRecord.span_id (8 bytes)
    private const int RecordObservedTime = 11;      // LogRecord.observed_time_unix_nano (fixed64)

    private readonly ProtoWriter _writer = new();
    private readonly string? _defaultService;
    private readonly Dictionary<string, SystemInfo> _systems = new(StringComparer.Ordinal);

    /// <param name="defaultService">The service of lines that name none (the options' service or the entry assembly).</param>
    internal OtlpLogEncoder(string? defaultService) => _defaultService = defaultService;

    /// <summary>
    /// <c>{Endpoint}/v1/logs</c>, as OTLP exporters append the signal's path to a base endpoint; an endpoint that
    /// already ends in <c>/v1/logs</c> is taken as it is.
    /// </summary>
    internal static Uri LogsUri(Uri endpoint) =>
        endpoint.AbsolutePath.TrimEnd('/').EndsWith("/" + LogsPath, StringComparison.Ordinal)
            ? endpoint
            : new Uri(CollectorEncoding.Root(endpoint), LogsPath);

    /// <summary>The OTLP severity number of a level name (<c>SeverityNumber</c>: TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21).</summary>
    internal static int SeverityNumber(string level) => level switch
    {
        "Trace" => 1,
        "Debug" => 5,
        "Information" => 9,
        "Warning" => 13,
        "Error" => 17,
        "Critical" => 21,
        _ => 0,
    };

    internal byte[] Encode(IReadOnlyList<LogRecord> records)
    {
        ProtoWriter w = _writer;
        w.Reset();
        // Resources by service and scopes by logger, in the order they first appear.
        var services = new List<(string Service, List<(string? Logger, List<LogRecord> Records)> Scopes)>();
        foreach (LogRecord record in records)
        {
            string service = record.Service ?? _defaultService ?? "unknown";
            int s = services.FindIndex(x => x.Service == service);
            if (s < 0)
            {
                services.Add((service, []));
                s = services.Count - 1;
            }

            List<(string? Logger, List<LogRecord> Records)> scopes = services[s].Scopes;
            int l = scopes.FindIndex(x => x.Logger == record.Logger);
            if (l < 0)
            {
                scopes.Add((record.Logger, []));
                l = scopes.Count - 1;
            }

            scopes[l].Records.Add(record);
        }

        foreach ((string service, List<(string? Logger, List<LogRecord> Records)> scopes) in services)
        {
            SystemInfo system = System(service);
            w.BeginMessage(RequestResourceLogs);
            w.BeginMessage(ResourceLogsResource);
            StringAttribute(_writer, ResourceAttributes, "service.name", system.SystemName);
            StringAttribute(_writer, ResourceAttributes, "service.instance.id", system.SystemInstanceId);
            StringAttribute(_writer, ResourceAttributes, "instrumentor.system_id", system.SystemId);
            w.EndMessage();
            foreach ((string? logger, List<LogRecord> scopeRecords) in scopes)
            {
                w.BeginMessage(ResourceLogsScopeLogs);
                w.BeginMessage(ScopeLogsScope);
                w.String(ScopeName, logger);
                w.EndMessage();
                foreach (LogRecord record in scopeRecords)
                {
                    w.BeginMessage(ScopeLogsLogRecords);
                    Record(record);
                    w.EndMessage();
                }

                w.EndMessage();
            }

            w.EndMessage();
        }

        return w.ToArray();
    }

    private SystemInfo System(string service)
    {
        if (!_systems.TryGetValue(service, out SystemInfo? system))
        {
            _systems[service] = system = ProcessSystemInfo.For(service);
        }

        return system;
    }

    private void Record(LogRecord record)
    {
        ProtoWriter w = _writer;
        ulong time = (ulong)((record.Timestamp.UtcTicks - DateTime.UnixEpoch.Ticks) * 100);
        w.Fixed64(RecordTime, time);
        w.Int(RecordSeverityNumber, SeverityNumber(record.Level));
        w.String(RecordSeverityText, record.Level);
        w.BeginMessage(RecordBody);
        w.String(AnyString, record.Event, always: true);
        w.EndMessage();
        if (record.EventId != 0)
        {
            Attribute("event_id", record.EventId);
        }

        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> field in record.Fields)
        {
            string name = field.Key == "{OriginalFormat}" ? "message_template" : field.Key;
            // The first value of a name wins (the state, then the innermost scope), as in the JSON line.
            if (written.Add(name) && !name.StartsWith("exception.", StringComparison.Ordinal) && name != ParentSpanIdKey)
            {
                Attribute(name, field.Value);
            }
        }

        if (record.ParentId is { Length: 16 } parent)
        {
            Attribute(ParentSpanIdKey, parent);
        }

        if (record.Exception is { } exception)
        {
            Attribute("exception.type", exception.Type);
            Attribute("exception.message", exception.Message);
            Attribute("exception.stacktrace", StackText(exception));
        }

        if (TryHex(record.TraceId, 32, out ulong high, out ulong low) && (high | low) != 0)
        {
            w.Id128(RecordTraceId, high, low);
        }

        if (TryHex(record.SpanId, 16, out _, out ulong span) && span != 0)
        {
            w.Id64(RecordSpanId, span);
        }

        w.Fixed64(RecordObservedTime, time);
    }

    /// <summary>The exception as .NET prints it: "Type: message", the stack, then each inner exception the same way.</summary>
    internal static string StackText(LogException exception)
    {
        var text = new System.Text.StringBuilder();
        for (LogException? e = exception; e is not null; e = e.Inner)
        {
            if (e != exception)
            {
                text.Append("\n ---> ");
            }

            text.Append(e.Type).Append(": ").Append(e.Message);
            if (e.Stack is { Length: > 0 } stack)
            {
                text.Append('\n').Append(stack);
            }
        }

        return text.ToString();
    }


    private void Attribute(string key, object? value)
    {
        ProtoWriter w = _writer;
        w.BeginMessage(RecordAttributes);
        w.String(KeyValueKey, key, always: true);
        w.BeginMessage(KeyValueValue);
        Value(value);
        w.EndMessage();
        w.EndMessage();
    }

    // The AnyValue case of a state value (null: the empty AnyValue); the same conversions as the JSON line's.
    private void Value(object? value)
    {
        ProtoWriter w = _writer;
        switch (value)
        {
            case null:
                break;
            case string s:
                w.String(AnyString, s, always: true);
                break;
            case bool b:
                w.IntAlways(AnyBool, b ? 1 : 0);
                break;
            case int or long or short or byte or sbyte or ushort or uint:
                w.IntAlways(AnyInt, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u when u <= long.MaxValue:
                w.IntAlways(AnyInt, (long)u);
                break;
            case double d when double.IsFinite(d):
                w.Double(AnyDouble, d);
                break;
            case float f when float.IsFinite(f):
                w.Double(AnyDouble, f);
                break;
            case decimal m:
                w.Double(AnyDouble, (double)m);
                break;
            case DateTimeOffset t:
                w.String(AnyString, t.ToString("O", CultureInfo.InvariantCulture), always: true);
                break;
            case DateTime t:
                w.String(AnyString, t.ToString("O", CultureInfo.InvariantCulture), always: true);
                break;
            case string[] strings:
                w.BeginMessage(AnyArray);
                foreach (string item in strings)
                {
                    w.BeginMessage(ArrayValues);
                    w.String(AnyString, item, always: true);
                    w.EndMessage();
                }

                w.EndMessage();
                break;
            case IFormattable formattable:
                w.String(AnyString, formattable.ToString(null, CultureInfo.InvariantCulture), always: true);
                break;
            default:
                w.String(AnyString, LogRecordJson.SafeText(value), always: true);
                break;
        }
    }

    private static bool TryHex(string? hex, int length, out ulong high, out ulong low)
    {
        high = low = 0;
        if (hex is null || hex.Length != length)
        {
            return false;
        }

        if (length == 32)
        {
            return ulong.TryParse(hex.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out high)
                && ulong.TryParse(hex.AsSpan(16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out low);
        }

        return ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out low);
    }
}
