using System;
using System.Collections.Generic;

namespace Instrumentor.Dashboard.Tests.Infrastructure;

/// <summary>
/// The spans every test sees, with counts the tests can rely on:
/// 60 order traces (PlaceOrder → PriceOrder, Reserve ×2, Charge; every 6th Charge fails) in the last 10 minutes,
/// 15 nightly report spans 3 hours ago, 2 spans whose values are XSS payloads, and one trace of 10,000 spans.
/// </summary>
internal sealed class Dataset
{
    public const int OrderTraces = 60;
    public const int ReservesPerTrace = 2;
    public const int FailedCharges = OrderTraces / 6;
    public const int NightlySpans = 15;
    public const int BigTraceSpans = 10_000;

    public const string PlaceOrder = "Shop.OrderService.PlaceOrder";
    public const string PriceOrder = "Shop.PricingService.PriceOrder";
    public const string Reserve = "Shop.Inventory.Reserve";
    public const string Charge = "Shop.Payments.Charge";
    public const string Nightly = "Shop.Reports.Nightly";
    public const string Comments = "Shop.Comments.Post";
    public const string ImportRun = "Batch.Importer.Run";
    public const string ImportChunk = "Batch.Importer.ImportChunk";
    public const string ImportRow = "Batch.Importer.ImportRow";

    public const string ImgPayload = "<img src=x onerror=alert(1)>";
    public const string ScriptPayload = "</script><script>window.__instrumentorXss = 1; alert(2)</script>";

    public Dataset(DateTime now)
    {
        Now = now;
        BigTraceId = Ids.Trace();
        var spans = new List<TestSpan>();

        for (var i = 0; i < OrderTraces; i++)
        {
            var trace = Ids.Trace();
            var root = Ids.Span();
            var start = now.AddMinutes(-10).AddSeconds(i * 5);
            if (i == 17)
            {
                OrderTrace17 = trace;
                OrderRoot17 = root;
            }
            spans.Add(new TestSpan(trace, root, null, PlaceOrder, start, 12.5 + i % 5, Data:
            [
                ("quantity", "INPUT", i.ToString()),
                ("customer", "INPUT", $"c-{i}"),
                ("result", "OUTPUT", $"{i * 2}.00"),
            ]));
            spans.Add(new TestSpan(trace, Ids.Span(), root, PriceOrder, start.AddMilliseconds(1), 2 + i % 3, Data: [("quantity", "INPUT", i.ToString()), ("result", "OUTPUT", $"{i * 2}.00")]));
            for (var r = 0; r < ReservesPerTrace; r++)
            {
                spans.Add(new TestSpan(trace, Ids.Span(), root, Reserve, start.AddMilliseconds(3 + r), 1.5, Data: [("sku", "INPUT", $"sku-{i}-{r}")]));
            }
            var fails = i % 6 == 0;
            spans.Add(new TestSpan(trace, Ids.Span(), root, Charge, start.AddMilliseconds(6), 4.25,
                Status: fails ? "ERR" : "OK",
                Exception: fails ? $"System.InvalidOperationException: card declined for order {i}\n   at Shop.Payments.Charge(Decimal amount) in /src/Shop/Payments.cs:line 42\n   at Shop.OrderService.PlaceOrder(Int32 quantity) in /src/Shop/OrderService.cs:line 17" : null,
                Data: [("amount", "INPUT", $"{i * 2}.00")]));
        }

        for (var i = 0; i < NightlySpans; i++)
        {
            spans.Add(new TestSpan(Ids.Trace(), Ids.Span(), null, Nightly, now.AddHours(-3).AddSeconds(i), 250, Data: [("day", "INPUT", $"night-{i}")]));
        }

        var xssTrace = Ids.Trace();
        spans.Add(new TestSpan(xssTrace, Ids.Span(), null, Comments, now.AddMinutes(-2), 3, Data: [("text", "INPUT", ImgPayload), ("result", "OUTPUT", ScriptPayload)]));
        spans.Add(new TestSpan(xssTrace, Ids.Span(), null, Comments, now.AddMinutes(-2).AddMilliseconds(5), 3, Status: "ERR", Exception: $"System.FormatException: {ImgPayload}\n{ScriptPayload}", Data: [("text", "INPUT", ScriptPayload)]));

        // 1 root, 99 chunks, 100 rows per chunk: 10,000 spans, 3 levels.
        var bigStart = now.AddMinutes(-20);
        var bigRoot = Ids.Span();
        spans.Add(new TestSpan(BigTraceId, bigRoot, null, ImportRun, bigStart, 9_990));
        for (var c = 0; c < 99; c++)
        {
            var chunk = Ids.Span();
            var chunkStart = bigStart.AddMilliseconds(c * 100);
            spans.Add(new TestSpan(BigTraceId, chunk, bigRoot, ImportChunk, chunkStart, 99, Data: [("chunk", "INPUT", c.ToString())]));
            for (var r = 0; r < 100; r++)
            {
                spans.Add(new TestSpan(BigTraceId, Ids.Span(), chunk, ImportRow, chunkStart.AddMilliseconds(r * 0.99), 0.9, Data: [("row", "INPUT", $"{c}:{r}")]));
            }
        }

        Spans = spans;
    }

    public DateTime Now { get; }

    public IReadOnlyList<TestSpan> Spans { get; }

    /// <summary>The order trace whose root has customer "c-17" (5 spans).</summary>
    public string OrderTrace17 { get; } = "";

    /// <summary>The root span of <see cref="OrderTrace17"/>.</summary>
    public string OrderRoot17 { get; } = "";

    /// <summary>Log lines of the c-17 order's root span, as <c>POST /api/ingest</c> takes them (one carries markup).</summary>
    public IReadOnlyList<System.Text.Json.Nodes.JsonObject> Logs => LogLines();

    public const string LogMessage = "order c-17 accepted";

    private List<System.Text.Json.Nodes.JsonObject> LogLines() =>
    [
        new() { ["timestamp"] = Now.AddMinutes(-10).AddSeconds(17 * 5).ToString("O"), ["level"] = "Information", ["event"] = LogMessage,
            ["logger"] = "Shop.OrderService", ["trace_id"] = OrderTrace17, ["span_id"] = OrderRoot17 },
        new() { ["timestamp"] = Now.AddMinutes(-10).AddSeconds(17 * 5).AddMilliseconds(2).ToString("O"), ["level"] = "Warning",
            ["event"] = "note " + ImgPayload, ["logger"] = "Shop.OrderService", ["trace_id"] = OrderTrace17, ["span_id"] = OrderRoot17 },
    ];

    public string BigTraceId { get; }
}
