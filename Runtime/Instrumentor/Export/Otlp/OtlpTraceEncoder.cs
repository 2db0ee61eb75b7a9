using System;
using System.Collections.Generic;
using System.Globalization;
using static Instrumentor.Export.Otlp.OtlpCommon;

namespace Instrumentor.Export.Otlp;

/// <summary>
/// Encodes outbox spans as an OTLP <c>ExportTraceServiceRequest</c> (protobuf, field numbers of the OTLP
/// specification's trace, common, resource and collector messages). One resource per request (the spans' system:
/// <c>service.name</c>, <c>service.instance.id</c>, <c>instrumentor.system_id</c>), one scope <c>Instrumentor</c>.
/// A span: its process is the name (also split into <c>code.namespace</c> and <c>code.function</c>), kind INTERNAL,
/// captured values as <c>instrumentor.arg.NAME</c> / <c>instrumentor.result</c> / <c>instrumentor.output.NAME</c>,
/// the group as <c>instrumentor.process_group</c>, the thread as <c>thread.id</c>; an error span has status ERROR
/// and an <c>exception</c> event (<c>exception.type</c>, <c>exception.message</c>, <c>exception.stacktrace</c>).
/// </summary>
internal sealed class OtlpTraceEncoder : IExportEncoding
{
    internal const string TracesPath = "v1/traces";
    internal const string ContentType = "application/x-protobuf";
    internal const string ScopeName = "Instrumentor";
    internal const string ArgPrefix = "instrumentor.arg.";
    internal const string OutputPrefix = "instrumentor.output.";
    internal const string ResultKey = "instrumentor.result";

    // Field numbers of the OTLP messages.
    private const int RequestResourceSpans = 1;          // ExportTraceServiceRequest.resource_spans
    private const int ResourceSpansResource = 1;         // ResourceSpans.resource
    private const int ResourceSpansScopeSpans = 2;       // ResourceSpans.scope_spans
    private const int ResourceAttributes = 1;            // Resource.attributes
    private const int ScopeSpansScope = 1;               // ScopeSpans.scope
    private const int ScopeSpansSpans = 2;               // ScopeSpans.spans
    private const int ScopeNameField = 1;                // InstrumentationScope.name
    private const int ScopeVersion = 2;                  // InstrumentationScope.version
    private const int SpanTraceId = 1;
    private const int SpanSpanId = 2;
    private const int SpanParentSpanId = 4;
    private const int SpanName = 5;
    private const int SpanKind = 6;
    private const int SpanStart = 7;
    private const int SpanEnd = 8;
    private const int SpanAttributes = 9;
    private const int SpanEvents = 11;
    private const int SpanStatus = 15;
    private const int EventTime = 1;
    private const int EventName = 2;
    private const int EventAttributes = 3;
    private const int StatusMessage = 2;
    private const int StatusCode = 3;
    private const int KindInternal = 1;
    private const int StatusError = 2;

    private static readonly long s_epochTicks = DateTime.UnixEpoch.Ticks;
    private static readonly string s_version = typeof(OtlpTraceEncoder).Assembly.GetName().Version?.ToString(3) ?? "";

    private readonly ProtoWriter _writer = new();
    private readonly Uri _uri;

    internal OtlpTraceEncoder(Uri endpoint) => _uri = TracesUri(endpoint);

    /// <summary>
    /// <c>{Endpoint}/v1/traces</c>, as OTLP exporters append the signal's path to a base endpoint; an endpoint that
    /// already ends in <c>/v1/traces</c> is taken as it is.
    /// </summary>
    internal static Uri TracesUri(Uri endpoint) =>
        endpoint.AbsolutePath.TrimEnd('/').EndsWith("/" + TracesPath, StringComparison.Ordinal)
            ? endpoint
            : new Uri(CollectorEncoding.Root(endpoint), TracesPath);

    public ExportRequest Encode(IReadOnlyList<OutboxSpan> spans, int start, int length, string batchId, bool single) =>
        new(_uri, ContentType, Encode(spans, start, length));

    internal byte[] Encode(IReadOnlyList<OutboxSpan> spans, int start, int length)
    {
        ProtoWriter w = _writer;
        w.Reset();
        WireSystemInfo system = spans[start].System;
        w.BeginMessage(RequestResourceSpans);
        w.BeginMessage(ResourceSpansResource);
        StringAttribute(_writer, ResourceAttributes, "service.name", system.SystemName);
        StringAttribute(_writer, ResourceAttributes, "service.instance.id", system.SystemInstanceId);
        StringAttribute(_writer, ResourceAttributes, "instrumentor.system_id", system.SystemId);
        w.EndMessage();
        w.BeginMessage(ResourceSpansScopeSpans);
        w.BeginMessage(ScopeSpansScope);
        w.String(ScopeNameField, ScopeName);
        w.String(ScopeVersion, s_version);
        w.EndMessage();
        for (int i = start; i < start + length; i++)
        {
            w.BeginMessage(ScopeSpansSpans);
            Span(spans[i].Event);
            w.EndMessage();
        }

        w.EndMessage();
        w.EndMessage();
        return w.ToArray();
    }

    private void Span(WireEvent span)
    {
        ProtoWriter w = _writer;
        Ids(span, out ulong traceHigh, out ulong traceLow, out ulong spanId, out ulong parentId);
        ulong startNs = UnixNanoseconds(span.Start);
        bool measured = span.DurationMs is not null;
        ulong endNs = startNs + (measured ? (ulong)Math.Max(0, Math.Round(span.DurationMs!.Value * 1_000_000)) : 0);
        w.Id128(SpanTraceId, traceHigh, traceLow);
        w.Id64(SpanSpanId, spanId);
        if (parentId != 0)
        {
            w.Id64(SpanParentSpanId, parentId);
        }

        w.String(SpanName, span.Process);
        w.Int(SpanKind, KindInternal);
        w.Fixed64(SpanStart, startNs);
        w.Fixed64(SpanEnd, endNs);
        int dot = span.Process.LastIndexOf('.');
        if (dot > 0 && dot < span.Process.Length - 1)
        {
            StringAttribute(_writer, SpanAttributes, "code.namespace", span.Process[..dot]);
            StringAttribute(_writer, SpanAttributes, "code.function", span.Process[(dot + 1)..]);
        }

        StringAttribute(_writer, SpanAttributes, "instrumentor.process_group", span.ProcessGroup);
        if (span.ThreadId is { } thread)
        {
            IntAttribute(_writer, SpanAttributes, "thread.id", thread);
        }

        if (!measured)
        {
            // An unsampled error: its start is known, its duration was not measured (not "zero").
            w.BeginMessage(SpanAttributes);
            w.String(KeyValueKey, "instrumentor.unmeasured");
            w.BeginMessage(KeyValueValue);
            w.Int(AnyBool, 1);
            w.EndMessage();
            w.EndMessage();
        }

        if (span.Data is { } data)
        {
            foreach (WireValue value in data)
            {
                string key = value.Type == "OUTPUT"
                    ? value.Name == "result" ? ResultKey : OutputPrefix + value.Name
                    : ArgPrefix + value.Name;
                w.BeginMessage(SpanAttributes);
                w.String(KeyValueKey, key);
                if (value.Value is null)
                {
                    w.Empty(KeyValueValue);
                }
                else
                {
                    // An empty string is a value (not null): written even though it is the field's default.
                    w.BeginMessage(KeyValueValue);
                    w.String(AnyString, value.Value, always: true);
                    w.EndMessage();
                }

                w.EndMessage();
            }
        }

        if (span.Status == "ERR")
        {
            ExceptionEvent(span.Exception, endNs);
            w.BeginMessage(SpanStatus);
            w.String(StatusMessage, FirstLine(span.Exception) ?? "error");
            w.Int(StatusCode, StatusError);
            w.EndMessage();
        }
    }

    private void ExceptionEvent(string? exception, ulong timeNs)
    {
        if (string.IsNullOrEmpty(exception))
        {
            return;
        }

        ProtoWriter w = _writer;
        string first = FirstLine(exception)!;
        int colon = first.IndexOf(": ", StringComparison.Ordinal);
        string type = colon > 0 && !first[..colon].Contains(' ', StringComparison.Ordinal) ? first[..colon] : "";
        string message = type.Length > 0 ? first[(colon + 2)..] : first;
        w.BeginMessage(SpanEvents);
        w.Fixed64(EventTime, timeNs);
        w.String(EventName, "exception");
        StringAttribute(_writer, EventAttributes, "exception.type", type);
        StringAttribute(_writer, EventAttributes, "exception.message", message);
        StringAttribute(_writer, EventAttributes, "exception.stacktrace", exception);
        w.EndMessage();
    }



    private static string? FirstLine(string? text)
    {
        if (text is null)
        {
            return null;
        }

        int end = text.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? text : text[..end];
    }

    private static void Ids(WireEvent span, out ulong traceHigh, out ulong traceLow, out ulong spanId, out ulong parentId)
    {
        // The outbox reads the store's lowercase hex; parse back to the binary ids OTLP carries.
        traceHigh = ulong.Parse(span.TraceId.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        traceLow = ulong.Parse(span.TraceId.AsSpan(16, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        spanId = ulong.Parse(span.SpanId, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        parentId = span.ParentSpanId is { Length: 16 } parent ? ulong.Parse(parent, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>The wire's ISO 8601 start (<c>2026-12-01T17:52:25.123456Z</c>) in nanoseconds since the Unix epoch.</summary>
    private static ulong UnixNanoseconds(string iso)
    {
        DateTime time = DateTime.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return (ulong)(time.Ticks - s_epochTicks) * 100;
    }
}
