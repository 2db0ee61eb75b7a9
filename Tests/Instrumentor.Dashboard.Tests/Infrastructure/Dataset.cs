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

    /// <summary>Sessions sent to <c>/v1/sessions</c>: 50 + <see cref="ExperimentSessions"/>, so the list has a second page.</summary>
    public const int PlainSessions = 50;

    /// <summary>The sessions of experiment <see cref="Experiment"/>, the oldest; the first of them is <see cref="AgentSession"/>.</summary>
    public const int ExperimentSessions = 5;

    public const string Experiment = "exp-prompt-b";

    /// <summary>The session with two steps, messages (one carrying markup) and LLM calls, the last linked to the c-17 trace.</summary>
    public const string AgentSession = "agent-session-0";

    public const string Question = "Where is order c-17?";

    /// <summary>The body of one <c>POST /v1/sessions</c>.</summary>
    public System.Text.Json.Nodes.JsonObject SessionsBatch()
    {
        string At(int session, double seconds) => Now.AddHours(-1).AddMinutes(session).AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");
        var sessions = new System.Text.Json.Nodes.JsonArray();
        var timesteps = new System.Text.Json.Nodes.JsonArray();
        var events = new System.Text.Json.Nodes.JsonArray();
        var messages = new System.Text.Json.Nodes.JsonArray();
        var ends = new System.Text.Json.Nodes.JsonArray();
        for (var i = 0; i < ExperimentSessions + PlainSessions; i++)
        {
            var id = i < ExperimentSessions ? $"agent-session-{i}" : $"chat-session-{i}";
            sessions.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["session_id"] = id, ["created_at"] = At(i, 0),
                ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["user"] = $"user-{i}" },
                ["experiment_id"] = i < ExperimentSessions ? Experiment : null,
            });
            ends.Add(id);
        }

        for (var step = 0; step < 2; step++)
        {
            var stepId = $"{AgentSession}-step-{step}";
            timesteps.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["id"] = stepId, ["session_id"] = AgentSession, ["step_id"] = step == 0 ? "plan" : "answer", ["step_index"] = step,
                ["turn_number"] = 1, ["started_at"] = At(0, step * 10), ["completed_at"] = At(0, step * 10 + 5),
            });
            messages.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["id"] = $"m-{step}", ["session_id"] = AgentSession, ["timestep_id"] = stepId, ["message_type"] = step == 0 ? "user" : "assistant",
                ["content"] = step == 0 ? Question : "It ships today " + ImgPayload, ["event_time"] = At(0, step * 10 + 1),
            });
            events.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["id"] = $"e-{step}", ["session_id"] = AgentSession, ["timestep_id"] = stepId, ["event_type"] = "cais", ["event_time"] = At(0, step * 10 + 2),
                ["model_name"] = "gpt-4o", ["input_tokens"] = 1000, ["output_tokens"] = 100, ["total_tokens"] = 1100, ["cost_usd"] = 0.0035,
                ["latency_ms"] = 420, ["trace_id"] = step == 1 ? OrderTrace17 : null, ["span_id"] = step == 1 ? OrderRoot17 : null,
            });
        }

        return new System.Text.Json.Nodes.JsonObject
        {
            ["experiments"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["experiment_id"] = Experiment, ["name"] = "prompt B", ["created_at"] = At(0, 0) }),
            ["sessions"] = sessions, ["timesteps"] = timesteps, ["events"] = events, ["messages"] = messages, ["session_ends"] = ends,
        };
    }

    private List<System.Text.Json.Nodes.JsonObject> LogLines() =>
    [
        new() { ["timestamp"] = Now.AddMinutes(-10).AddSeconds(17 * 5).ToString("O"), ["level"] = "Information", ["event"] = LogMessage,
            ["logger"] = "Shop.OrderService", ["trace_id"] = OrderTrace17, ["span_id"] = OrderRoot17 },
        new() { ["timestamp"] = Now.AddMinutes(-10).AddSeconds(17 * 5).AddMilliseconds(2).ToString("O"), ["level"] = "Warning",
            ["event"] = "note " + ImgPayload, ["logger"] = "Shop.OrderService", ["trace_id"] = OrderTrace17, ["span_id"] = OrderRoot17 },
    ];

    public string BigTraceId { get; }
}
