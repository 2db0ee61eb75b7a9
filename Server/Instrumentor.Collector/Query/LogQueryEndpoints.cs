using System.Collections.Generic;
using System.Threading.Tasks;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Problems;
using Instrumentor.Collector.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Instrumentor.Collector.Query;

/// <summary>
/// <c>GET /api/logs?trace_id&amp;span_id&amp;level&amp;q&amp;from&amp;to&amp;limit&amp;cursor</c>: stored log lines, newest
/// first, keyset pages like <c>/api/spans</c>.
/// </summary>
internal sealed class LogQueryEndpoints
{
    private readonly ITraceStore _store;

    public LogQueryEndpoints(ITraceStore store) => _store = store;

    public void Map(IEndpointRouteBuilder endpoints) => endpoints.MapGet("/api/logs", Logs);

    private Task Logs(HttpContext context)
    {
        var query = new QueryParameters(context.Request);
        string? trace = Hex(query, "trace_id", 32);
        string? span = Hex(query, "span_id", 16);
        var filter = new LogFilter
        {
            TraceId = trace,
            SpanId = span,
            Level = query.Text("level"),
            Search = query.Text("q"),
            FromMicroseconds = query.Time("from"),
            ToMicroseconds = query.Time("to"),
            Limit = query.Integer("limit", 50, 1, QueryEndpoints.MaxLimit),
            Before = query.Cursor(),
        };
        query.CheckRange(filter.FromMicroseconds, filter.ToMicroseconds);
        if (query.Fault is { } fault)
        {
            return Problem.BadRequest(context, fault.Message, fault.Path, "invalid-query");
        }

        (IReadOnlyList<LogItem> items, SpanCursor? last, bool more) = _store.LogQueries.Logs(filter);
        string? next = more && last is { } position ? position.Encode() : null;
        return context.Response.WriteAsJsonAsync(new LogPage(items, next), CollectorJsonContext.Default.LogPage,
            contentType: "application/json", context.RequestAborted);
    }

    // Ids are stored lowercase: a query in capitals finds them too, and a malformed one is a 400, not an empty page.
    private static string? Hex(QueryParameters query, string name, int digits)
    {
        if (query.Text(name) is not { } text)
        {
            return null;
        }

        if (text.Length != digits || !StoreText.TryParseHex(text, digits, out _, out _))
        {
            query.Fail(name, $"{name} must be {digits} hex digits");
            return null;
        }

        return text.ToLowerInvariant();
    }
}
