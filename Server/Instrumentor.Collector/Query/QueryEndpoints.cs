using System;
using System.Collections.Generic;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks;
using Instrumentor.Collector.Ingest;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Problems;
using Instrumentor.Collector.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Instrumentor.Collector.Query;

/// <summary>
/// The query API of DESIGN.md §7: <c>/api/spans</c>, <c>/api/spans/{span_id}</c>, <c>/api/traces/{trace_id}</c>,
/// <c>/api/stats</c>, <c>/api/graph</c>, <c>/api/status</c> and <c>/healthz</c>. Read-only; store queries run on the
/// thread pool against read-only connections, never through the writer.
/// </summary>
internal sealed class QueryEndpoints
{
    public const int MaxLimit = 1000;

    private readonly ITraceStore _store;
    private readonly IngestWriter _writer;
    private readonly Retention.RetentionService? _retention;

    // retention is null when the store is read-only (an archive): /api/status then says so.
    public QueryEndpoints(ITraceStore store, IngestWriter writer, Retention.RetentionService? retention = null)
    {
        _store = store;
        _writer = writer;
        _retention = retention;
    }

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/spans", Spans);
        endpoints.MapGet("/api/spans/{span_id}", Span);
        endpoints.MapGet("/api/traces/{trace_id}", Trace);
        endpoints.MapGet("/api/stats", Stats);
        endpoints.MapGet("/api/graph", Graph);
        endpoints.MapGet("/api/status", Status);
        endpoints.MapGet("/healthz", static context =>
        {
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync("ok", context.RequestAborted);
        });
    }

    private Task Spans(HttpContext context)
    {
        var query = new QueryParameters(context.Request);
        var filter = new SpanFilter
        {
            FromMicroseconds = query.Time("from"),
            ToMicroseconds = query.Time("to"),
            Process = query.Text("process"),
            Status = query.Status(),
            Service = query.Text("service"),
            Search = query.Text("q"),
            Limit = query.Integer("limit", 50, 1, MaxLimit),
            Before = query.Cursor(),
        };
        query.CheckRange(filter.FromMicroseconds, filter.ToMicroseconds);
        if (query.Fault is { } fault)
        {
            return Problem.BadRequest(context, fault.Message, fault.Path, "invalid-query");
        }

        (IReadOnlyList<SpanItem> items, bool more) = _store.Queries.Spans(filter);
        string? next = more ? new SpanCursor(items[^1].Ts, items[^1].RowId).Encode() : null;
        return Answer(context, new SpanPage(items, next), CollectorJsonContext.Default.SpanPage);
    }

    private Task Span(HttpContext context)
    {
        string id = (string)context.Request.RouteValues["span_id"]!;
        if (!StoreText.TryParseHex(id, 16, out _, out ulong spanId))
        {
            return Problem.BadRequest(context, $"'{EventValidator.Shorten(id)}' is not a span id (16 hex digits)", "span_id", "invalid-query");
        }

        string? trace = null;
        if (new QueryParameters(context.Request).Text("trace_id") is { } traceText)
        {
            if (!StoreText.TryParseHex(traceText, 32, out ulong high, out ulong low))
            {
                return Problem.BadRequest(context, "trace_id must be 32 hex digits", "?trace_id", "invalid-query");
            }

            trace = StoreText.TraceId(high, low);
        }

        SpanDetail? span = _store.Queries.Span(StoreText.SpanId(spanId), trace);
        return span is null
            ? Problem.NotFound(context, $"no span {id} in the store")
            : Answer(context, span, CollectorJsonContext.Default.SpanDetail);
    }

    private Task Trace(HttpContext context)
    {
        string id = (string)context.Request.RouteValues["trace_id"]!;
        if (!StoreText.TryParseHex(id, 32, out ulong high, out ulong low))
        {
            return Problem.BadRequest(context, $"'{EventValidator.Shorten(id)}' is not a trace id (32 hex digits)", "trace_id", "invalid-query");
        }

        IReadOnlyList<SpanItem> spans = _store.Queries.Trace(StoreText.TraceId(high, low));
        return spans.Count == 0
            ? Problem.NotFound(context, $"no trace {id} in the store")
            : Answer(context, new TraceAnswer(StoreText.TraceId(high, low), spans), CollectorJsonContext.Default.TraceAnswer);
    }

    private Task Stats(HttpContext context)
    {
        var query = new QueryParameters(context.Request);
        long? from = query.Time("from");
        long? to = query.Time("to");
        string? process = query.Text("process");
        int buckets = query.Integer("buckets", 30, 1, 500);
        query.CheckRange(from, to);
        if (query.Fault is { } fault)
        {
            return Problem.BadRequest(context, fault.Message, fault.Path, "invalid-query");
        }

        return Answer(context, new StatsAnswer(_store.Queries.Stats(from, to, process, buckets)), CollectorJsonContext.Default.StatsAnswer);
    }

    private Task Graph(HttpContext context)
    {
        var query = new QueryParameters(context.Request);
        long? from = query.Time("from");
        long? to = query.Time("to");
        query.CheckRange(from, to);
        if (query.Fault is { } fault)
        {
            return Problem.BadRequest(context, fault.Message, fault.Path, "invalid-query");
        }

        return Answer(context, _store.Queries.Graph(from, to), CollectorJsonContext.Default.GraphAnswer);
    }

    private Task Status(HttpContext context)
    {
        long fiveMinutesAgo = StoreText.ToUnixMicroseconds(DateTimeOffset.UtcNow.AddMinutes(-5));
        StoreFacts facts = _store.Queries.Facts(fiveMinutesAgo);
        var status = new StatusAnswer(
            facts.SpansTotal,
            _writer.IngestPerSecond,
            facts.RecentSpans == 0 ? 0 : Math.Round((double)facts.RecentErrors / facts.RecentSpans, 4),
            Math.Round(_writer.WriteLagMs, 2),
            _writer.QueueDepth,
            _store.SizeBytes(),
            facts.Oldest,
            facts.Newest)
        {
            Retention = _retention?.Status(),
            ReadOnly = _retention is null,
        };
        return Answer(context, status, CollectorJsonContext.Default.StatusAnswer);
    }

    private static Task Answer<T>(HttpContext context, T value, JsonTypeInfo<T> type) =>
        context.Response.WriteAsJsonAsync(value, type, contentType: "application/json", context.RequestAborted);
}
