using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace Instrumentor.Collector.Tests.Infrastructure;

/// <summary>Builds ingest bodies (DESIGN.md §7 EVENT) with distinct, valid ids.</summary>
internal static class Events
{
    private static long s_next = Random.Shared.NextInt64(1, 1L << 40);

    public static string NewTraceId() => Interlocked.Increment(ref s_next).ToString("x16", CultureInfo.InvariantCulture) + "00000000000000ab";

    public static string NewSpanId() => Interlocked.Increment(ref s_next).ToString("x16", CultureInfo.InvariantCulture);

    public static string Event(string? traceId = null, string? spanId = null, string? parentSpanId = null, string process = "Shop.PricingService.PriceOrder",
        string status = "OK", DateTime? start = null, double? durationMs = 0.42, string? exception = null, string extra = "")
    {
        string startText = (start ?? DateTime.UtcNow).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        return $$"""
            {"trace_id":"{{traceId ?? NewTraceId()}}","span_id":"{{spanId ?? NewSpanId()}}","parent_span_id":{{Json(parentSpanId)}},
             "process":"{{process}}","process_group":"pricing","start":"{{startText}}",
             "duration_ms":{{(durationMs is { } d ? d.ToString(CultureInfo.InvariantCulture) : "null")}},"status":"{{status}}","exception":{{Json(exception)}},"thread_id":12,
             "data":[{"name":"quantity","type":"INPUT","value":"3"},{"name":"result","type":"OUTPUT","value":"44.00"}]{{extra}}}
            """;
    }

    public static string SystemInfo(string name = "orders-api") =>
        $$"""{"system_name":"{{name}}","system_id":"sys-1","system_instance_id":"inst-1"}""";

    public static string Stream(string @event) => $$"""{"event":{{@event}},"system_info":{{SystemInfo()}}}""";

    public static string Batch(IEnumerable<string> events, string? batchId = null, string system = "orders-api") =>
        $$"""{"batch_id":{{Json(batchId)}},"events":[{{string.Join(",", events)}}],"system_info":{{SystemInfo(system)}}}""";

    public static string Batch(int count, string? batchId = null) => Batch(Enumerable.Range(0, count).Select(_ => Event()), batchId);

    private static string Json(string? text) => text is null ? "null" : System.Text.Json.JsonSerializer.Serialize(text, TestJson.Default.String);
}
