using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace Instrumentor.Sessions.Tests.Ai;

public sealed class InstrumentorChatClientTests
{
    private static (SessionTracer Tracer, IChatClient Chat, FakeChatClient Fake) Pipeline(TempStore store)
    {
        SessionTracer tracer = store.Tracer(o => o.Prices["gpt-4o"] = new ModelPrice(2.50m, 10.00m));
        var fake = new FakeChatClient();
        IChatClient chat = fake.AsBuilder().UseInstrumentor(tracer).Build();
        return (tracer, chat, fake);
    }

    [Test]
    public async Task GetResponseAsync_is_an_llm_call_of_the_current_timestep_with_usage_cost_latency_and_provider()
    {
        using var store = new TempStore();
        (SessionTracer tracer, IChatClient chat, _) = Pipeline(store);
        var recorded = new List<LlmCallEvent>();
        tracer.Hooks.Register(HookPoint.EventRecorded, e => { recorded.Add((LlmCallEvent)e); return default; });
        string sessionId, stepId;
        ChatResponse response;
        await using (tracer)
        {
            await using SessionScope session = await tracer.StartSessionAsync();
            sessionId = session.SessionId;
            await using TimestepScope step = await tracer.StartTimestepAsync("ask", 1);
            stepId = step.Id;
            response = await chat.GetResponseAsync("what is the answer?", new ChatOptions { ModelId = "gpt-4o" });
        }

        response.Text.ShouldBe("the answer is 42");
        LlmCallEvent call = recorded.ShouldHaveSingleItem();
        (call.SessionId, call.TimestepId).ShouldBe((sessionId, stepId));
        (call.ModelName, call.Provider, call.Status, call.Error).ShouldBe(("gpt-4o-2024-08-06", "fakeai", "OK", (string?)null));
        (call.InputTokens, call.OutputTokens, call.TotalTokens).ShouldBe((1200L, 300L, 1500L));
        call.CostUsd.ShouldBe(0.006m);   // 1200 x 2.50 + 300 x 10.00 per million
        call.LatencyMs.ShouldNotBeNull().ShouldBeGreaterThan(0);
        call.TimeToFirstTokenMs.ShouldBeNull();

        using SessionStore read = store.Open();
        var stored = (LlmCallEvent)read.GetSession(sessionId)!.Events.ShouldHaveSingleItem();
        (stored.ModelName, stored.Provider, stored.TotalTokens, stored.CostUsd, stored.TimestepId).ShouldBe(("gpt-4o-2024-08-06", "fakeai", 1500L, 0.006m, stepId));
        read.CostByModel().ShouldHaveSingleItem().ShouldBe(new ModelCost("gpt-4o-2024-08-06", 1, 1200, 300, 0.006m));
    }

    [Test]
    public async Task A_streamed_answer_records_time_to_first_update_and_the_usage_of_its_last_update()
    {
        using var store = new TempStore();
        (SessionTracer tracer, IChatClient chat, FakeChatClient fake) = Pipeline(store);
        string sessionId;
        var text = new System.Text.StringBuilder();
        await using (tracer)
        {
            await using SessionScope session = await tracer.StartSessionAsync();
            sessionId = session.SessionId;
            await using (await tracer.StartTimestepAsync("stream"))
            {
                fake.FirstUpdateGate = new TaskCompletionSource();
                fake.FirstUpdateGate.SetResult();
                await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync("go"))
                {
                    text.Append(update.Text);
                }
            }
        }

        text.ToString().ShouldBe("the answer is 42");
        using SessionStore read = store.Open();
        var call = (LlmCallEvent)read.GetSession(sessionId)!.Events.ShouldHaveSingleItem();
        (call.InputTokens, call.OutputTokens, call.TotalTokens, call.CostUsd).ShouldBe((1200L, 300L, 1500L, 0.006m));
        call.TimeToFirstTokenMs.ShouldNotBeNull();
        call.TimeToFirstTokenMs!.Value.ShouldBeLessThanOrEqualTo(call.LatencyMs!.Value);
        call.Status.ShouldBe("OK");
    }

    [Test]
    public async Task A_failing_call_is_recorded_as_an_error_and_the_caller_gets_the_same_exception()
    {
        using var store = new TempStore();
        (SessionTracer tracer, IChatClient chat, FakeChatClient fake) = Pipeline(store);
        var failure = new InvalidOperationException("rate limited");
        fake.Failure = failure;
        string sessionId;
        await using (tracer)
        {
            await using SessionScope session = await tracer.StartSessionAsync();
            sessionId = session.SessionId;
            (await Should.ThrowAsync<InvalidOperationException>(() => chat.GetResponseAsync("x"))).ShouldBeSameAs(failure);
            var streamed = await Should.ThrowAsync<InvalidOperationException>(async () =>
            {
                await foreach (ChatResponseUpdate _ in chat.GetStreamingResponseAsync("x"))
                {
                }
            });
            streamed.ShouldBeSameAs(failure);
        }

        using SessionStore read = store.Open();
        List<LlmCallEvent> calls = read.GetSession(sessionId)!.Events.Cast<LlmCallEvent>().ToList();
        calls.Count.ShouldBe(2);
        calls.ShouldAllBe(c => c.Status == "ERR" && c.Error == "System.InvalidOperationException: rate limited");
        calls[1].TimeToFirstTokenMs.ShouldNotBeNull();   // one update arrived before the stream failed
    }

    [Test]
    public async Task A_stream_the_caller_stops_reading_early_is_still_recorded()
    {
        using var store = new TempStore();
        (SessionTracer tracer, IChatClient chat, _) = Pipeline(store);
        string sessionId;
        await using (tracer)
        {
            await using SessionScope session = await tracer.StartSessionAsync();
            sessionId = session.SessionId;
            await foreach (ChatResponseUpdate _ in chat.GetStreamingResponseAsync("x"))
            {
                break;
            }
        }

        using SessionStore read = store.Open();
        var call = (LlmCallEvent)read.GetSession(sessionId)!.Events.ShouldHaveSingleItem();
        (call.Status, call.InputTokens).ShouldBe(("OK", (long?)null));
    }

    [Test]
    public async Task A_call_outside_any_session_is_answered_unchanged_and_records_no_event()
    {
        using var store = new TempStore();
        (SessionTracer tracer, IChatClient chat, FakeChatClient fake) = Pipeline(store);
        await using (tracer)
        {
            (await chat.GetResponseAsync("x")).Text.ShouldBe("the answer is 42");
            fake.Calls.ShouldBe(1);
        }

        tracer.RowsQueued.ShouldBe(0);
    }

    [Test]
    public async Task The_call_is_a_span_child_of_the_surrounding_Monitor_span_with_the_GenAI_attribute_names()
    {
        using var store = new TempStore();
        (SessionTracer tracer, IChatClient chat, _) = Pipeline(store);
        string sessionId;
        await using (tracer)
        {
            await using SessionScope session = await tracer.StartSessionAsync();
            sessionId = session.SessionId;
            (await new Agent().ThinkAsync(chat, "q")).ShouldBe("the answer is 42");
        }

        (await Monitoring.FlushAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        using SessionStore read = store.Open();
        var call = (LlmCallEvent)read.GetSession(sessionId)!.Events.ShouldHaveSingleItem();
        call.TraceId.ShouldNotBeNull().Length.ShouldBe(32);
        call.SpanId.ShouldNotBeNull().Length.ShouldBe(16);

        using var spans = new SqliteConnection("Data Source=" + MonitoringSetup.SpanDatabase + ";Mode=ReadOnly;Pooling=False");
        spans.Open();
        using SqliteCommand command = spans.CreateCommand();
        command.CommandText = """
            SELECT c.process, c.process_group, c.status, p.process
            FROM process_trace c JOIN process_trace p ON p.span_id = c.parent_span_id AND p.trace_id = c.trace_id
            WHERE c.span_id = $span AND c.trace_id = $trace
            """;
        command.Parameters.AddWithValue("$span", call.SpanId);
        command.Parameters.AddWithValue("$trace", call.TraceId);
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            reader.Read().ShouldBeTrue("the LLM-call span and its parent are stored");
            reader.GetString(0).ShouldBe("Microsoft.Extensions.AI.IChatClient.GetResponseAsync");
            reader.GetString(1).ShouldBe("gen_ai");
            reader.GetString(2).ShouldBe("OK");
            reader.GetString(3).ShouldBe(typeof(Agent).FullName + ".ThinkAsync");
        }

        command.CommandText = "SELECT data, data_value FROM data_trace WHERE span_id = $span";
        var attributes = new Dictionary<string, string?>();
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                attributes[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }

        attributes["gen_ai.operation.name"].ShouldBe("chat");
        attributes["gen_ai.provider.name"].ShouldBe("fakeai");
        attributes["gen_ai.request.model"].ShouldBe("fake-default");
        attributes["gen_ai.response.model"].ShouldBe("gpt-4o-2024-08-06");
        attributes["gen_ai.usage.input_tokens"].ShouldBe("1200");
        attributes["gen_ai.usage.output_tokens"].ShouldBe("300");
        attributes["gen_ai.response.finish_reasons"].ShouldBe("stop");
        attributes["instrumentor.cost_usd"].ShouldBe("0.006");
        attributes["instrumentor.session_id"].ShouldBe(sessionId);
    }

    [Test]
    public async Task An_event_recorded_inside_a_Monitor_method_carries_that_spans_ids()
    {
        using var store = new TempStore();
        string sessionId;
        await using (SessionTracer tracer = store.Tracer())
        {
            await using SessionScope session = await tracer.StartSessionAsync();
            sessionId = session.SessionId;
            await new Recorder().RecordAsync(tracer);
            await tracer.RecordEventAsync(new RuntimeEvent { Action = "outside" });
        }

        (await Monitoring.FlushAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        using SessionStore read = store.Open();
        IReadOnlyList<SessionEvent> events = read.GetSession(sessionId)!.Events;
        events[0].SpanId.ShouldNotBeNull();
        events[1].SpanId.ShouldBeNull();
        using var spans = new SqliteConnection("Data Source=" + MonitoringSetup.SpanDatabase + ";Mode=ReadOnly;Pooling=False");
        spans.Open();
        using SqliteCommand command = spans.CreateCommand();
        command.CommandText = "SELECT process FROM process_trace WHERE span_id = $s AND trace_id = $t";
        command.Parameters.AddWithValue("$s", events[0].SpanId);
        command.Parameters.AddWithValue("$t", events[0].TraceId);
        ((string?)command.ExecuteScalar()).ShouldBe(typeof(Recorder).FullName + ".RecordAsync");
    }
}

/// <summary>A monitored method that records a session event: the event names its span.</summary>
public sealed class Recorder
{
    [Monitor]
    public async Task RecordAsync(SessionTracer tracer)
    {
        await Task.Yield();
        await tracer.RecordEventAsync(new RuntimeEvent { Action = "inside" });
    }
}
