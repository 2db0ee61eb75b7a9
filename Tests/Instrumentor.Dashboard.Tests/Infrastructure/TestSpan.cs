using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Instrumentor.Dashboard.Tests.Infrastructure;

/// <summary>One span as the tests send it to <c>/v1/uploads</c> (the collector's EVENT shape).</summary>
internal sealed record TestSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Process,
    DateTime Start,
    double DurationMs,
    string Status = "OK",
    string? Exception = null,
    IReadOnlyList<(string Name, string Type, string Value)>? Data = null)
{
    public JsonObject ToJson()
    {
        var data = new JsonArray();
        foreach (var (name, type, value) in Data ?? [])
        {
            data.Add(new JsonObject { ["name"] = name, ["type"] = type, ["value"] = value });
        }
        return new JsonObject
        {
            ["trace_id"] = TraceId,
            ["span_id"] = SpanId,
            ["parent_span_id"] = ParentSpanId,
            ["process"] = Process,
            ["process_group"] = Process.Split('.')[0].ToLowerInvariant(),
            ["start"] = Start.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"),
            ["duration_ms"] = DurationMs,
            ["status"] = Status,
            ["exception"] = Exception,
            ["thread_id"] = 7,
            ["data"] = data,
        };
    }
}
