using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace Instrumentor.Sessions.Tests;

public sealed class SessionTracerTests
{
    [Test]
    public async Task Session_timestep_events_and_messages_are_stored_linked_to_each_other()
    {
        using var store = new TempStore();
        string sessionId, stepId;
        await using (SessionTracer tracer = store.Tracer())
        {
            await using (SessionScope session = await tracer.StartSessionAsync(metadata: new() { ["user"] = "test", ["seed"] = 7 }))
            {
                sessionId = session.SessionId;
                await using (TimestepScope step = await tracer.StartTimestepAsync("step1", turnNumber: 1))
                {
                    stepId = step.Id;
                    await tracer.RecordEventAsync(new LlmCallEvent { SystemInstanceId = "gpt-4", ModelName = "gpt-4",
                        InputTokens = 100, OutputTokens = 50, TotalTokens = 150, CostUsd = 0.0045m, LatencyMs = 1200 });
                    await tracer.RecordEventAsync(new EnvironmentEvent { Reward = 1.5, Terminated = false, Observation = "door open" });
                    await tracer.RecordEventAsync(new RuntimeEvent { Action = "open_door" });
                    await tracer.RecordMessageAsync("Hello, world!", MessageType.Assistant);
                }
            }

            (await tracer.FlushAsync()).ShouldBeTrue();
        }

        using SessionStore read = store.Open();
        SessionDetail detail = read.GetSession(sessionId).ShouldNotBeNull();
        detail.Summary.Metadata.ShouldBe("""{"user":"test","seed":7}""");
        detail.Summary.NumTimesteps.ShouldBe(1);
        detail.Summary.NumEvents.ShouldBe(3);
        detail.Summary.NumMessages.ShouldBe(1);
        detail.Summary.TotalTokens.ShouldBe(150);
        detail.Summary.CostUsd.ShouldBe(0.0045m);
        TimestepData step1 = detail.Timesteps.ShouldHaveSingleItem();
        step1.Id.ShouldBe(stepId);
        step1.StepId.ShouldBe("step1");
        step1.TurnNumber.ShouldBe(1);
        step1.CompletedAt.ShouldNotBeNull();
        detail.Events.Select(e => e.EventType).ShouldBe(new[] { "cais", "environment", "runtime" });
        detail.Events.ShouldAllBe(e => e.TimestepId == stepId && e.SessionId == sessionId);
        var call = (LlmCallEvent)detail.Events[0];
        (call.ModelName, call.InputTokens, call.OutputTokens, call.LatencyMs, call.Status).ShouldBe(("gpt-4", 100L, 50L, 1200.0, "OK"));
        var environment = (EnvironmentEvent)detail.Events[1];
        (environment.Reward, environment.Terminated, environment.Observation).ShouldBe((1.5, false, "door open"));
        ((RuntimeEvent)detail.Events[2]).Action.ShouldBe("open_door");
        SessionMessage message = detail.Messages.ShouldHaveSingleItem();
        (message.Content, message.MessageType, message.TimestepId).ShouldBe(("Hello, world!", MessageType.Assistant, stepId));

        // The counters of the session row itself were written when the session ended.
        using var command = read.Connection.CreateCommand();
        command.CommandText = "SELECT num_timesteps, num_events, num_messages FROM session_traces WHERE session_id = $id";
        command.Parameters.AddWithValue("$id", sessionId);
        using var reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue();
        (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)).ShouldBe((1L, 3L, 1L));
    }

    [Test]
    public async Task The_current_session_and_timestep_flow_across_await_and_into_Task_Run()
    {
        using var store = new TempStore();
        await using SessionTracer tracer = store.Tracer();
        tracer.CurrentSession.ShouldBeNull();
        await using (SessionScope session = await tracer.StartSessionAsync())
        {
            tracer.CurrentSession.ShouldBeSameAs(session);
            await Task.Yield();
            tracer.CurrentSession.ShouldBeSameAs(session);
            await using (TimestepScope step = await tracer.StartTimestepAsync("a"))
            {
                await Task.Delay(1);
                TimestepScope? seenInTask = await Task.Run(async () => { await Task.Yield(); return tracer.CurrentTimestep; });
                seenInTask.ShouldBeSameAs(step);
                await InnerAsync(tracer, session);
            }

            tracer.CurrentTimestep.ShouldBeNull();
        }

        tracer.CurrentSession.ShouldBeNull();

        static async Task InnerAsync(SessionTracer tracer, SessionScope expected)
        {
            await Task.Yield();
            tracer.CurrentSession.ShouldBeSameAs(expected);
        }
    }

    [Test]
    public async Task Two_concurrent_sessions_never_see_each_others_events()
    {
        using var store = new TempStore();
        var ids = new string[2];
        await using (SessionTracer tracer = store.Tracer())
        {
            // The two flows interleave step by step: each one waits for the other before every record.
            var turns = new[] { new TaskCompletionSource(), new TaskCompletionSource() };
            var gates = Enumerable.Range(0, 20).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
            async Task RunAsync(int who)
            {
                await using SessionScope session = await tracer.StartSessionAsync(metadata: new() { ["who"] = who });
                ids[who] = session.SessionId;
                for (int turn = 0; turn < 10; turn++)
                {
                    int gate = turn * 2 + who;
                    if (gate > 0)
                    {
                        await gates[gate - 1].Task;
                    }

                    await using (await tracer.StartTimestepAsync("turn", turn))
                    {
                        await tracer.RecordEventAsync(new RuntimeEvent { Action = "who" + who });
                        await Task.Yield();
                        await tracer.RecordMessageAsync("from " + who, MessageType.User);
                    }

                    gates[gate].SetResult();
                }
            }

            await Task.WhenAll(Task.Run(() => RunAsync(0)), Task.Run(() => RunAsync(1)));
            (await tracer.FlushAsync()).ShouldBeTrue();
        }

        using SessionStore read = store.Open();
        for (int who = 0; who < 2; who++)
        {
            SessionDetail detail = read.GetSession(ids[who]).ShouldNotBeNull();
            detail.Timesteps.Select(t => t.StepIndex).ShouldBe(Enumerable.Range(0, 10));
            detail.Events.Count.ShouldBe(10);
            detail.Events.ShouldAllBe(e => ((RuntimeEvent)e).Action == "who" + who);
            detail.Messages.ShouldAllBe(m => m.Content == "from " + who);
            var stepIds = detail.Timesteps.Select(t => t.Id).ToHashSet();
            detail.Events.ShouldAllBe(e => stepIds.Contains(e.TimestepId!));
        }
    }

    [Test]
    public async Task Recording_outside_a_session_is_a_clear_error_and_nothing_is_queued()
    {
        using var store = new TempStore();
        await using SessionTracer tracer = store.Tracer();
        var error = await Should.ThrowAsync<InvalidOperationException>(async () => await tracer.RecordEventAsync(new RuntimeEvent()));
        error.Message.ShouldContain("StartSessionAsync");
        await Should.ThrowAsync<InvalidOperationException>(async () => await tracer.StartTimestepAsync("x"));
        await Should.ThrowAsync<InvalidOperationException>(async () => await tracer.RecordMessageAsync("m", MessageType.User));
        tracer.RowsQueued.ShouldBe(0);
    }

    [Test]
    public async Task Hooks_run_at_every_point_in_order_and_a_failing_hook_loses_nothing()
    {
        using var store = new TempStore();
        var seen = new List<string>();
        string sessionId;
        await using (SessionTracer tracer = store.Tracer())
        {
            tracer.Hooks.Register(HookPoint.SessionStarted, s => { seen.Add("session+" + ((SessionScope)s).SessionId.Length); return default; });
            tracer.Hooks.Register(HookPoint.TimestepStarted, t => { seen.Add("step+" + ((TimestepScope)t).StepId); return default; });
            tracer.Hooks.Register(HookPoint.EventRecorded, e => throw new InvalidOperationException("hook bug"));
            tracer.Hooks.Register(HookPoint.EventRecorded, async e =>
            {
                await Task.Yield();
                if (e is LlmCallEvent { CostUsd: > 0.10m } call)
                {
                    seen.Add("expensive " + call.ModelName);
                }
            });
            tracer.Hooks.Register(HookPoint.MessageRecorded, m => { seen.Add("message " + ((SessionMessage)m).Content); return default; });
            tracer.Hooks.Register(HookPoint.TimestepEnded, t => { seen.Add("step-" + ((TimestepScope)t).CompletedAt.HasValue); return default; });
            IDisposable removed = tracer.Hooks.Register(HookPoint.SessionEnded, s => { seen.Add("never"); return default; });
            tracer.Hooks.Register(HookPoint.SessionEnded, s => { seen.Add("session-"); return default; });
            removed.Dispose();

            await using (SessionScope session = await tracer.StartSessionAsync())
            {
                sessionId = session.SessionId;
                await using (await tracer.StartTimestepAsync("s1"))
                {
                    await tracer.RecordEventAsync(new LlmCallEvent { ModelName = "cheap", CostUsd = 0.01m });
                    await tracer.RecordEventAsync(new LlmCallEvent { ModelName = "big", CostUsd = 0.50m });
                    await tracer.RecordMessageAsync("hi", MessageType.User);
                }
            }

            tracer.HookFailures.ShouldBe(2);
        }

        seen.ShouldBe(new[] { "session+32", "step+s1", "expensive big", "message hi", "step-True", "session-" });
        using SessionStore read = store.Open();
        read.GetSession(sessionId)!.Events.Count.ShouldBe(2);
    }

    [Test]
    public async Task An_llm_call_without_cost_is_priced_from_the_table_by_exact_name_or_longest_prefix()
    {
        using var store = new TempStore();
        await using SessionTracer tracer = store.Tracer(o =>
        {
            o.Prices["gpt-4o"] = new ModelPrice(2.50m, 10.00m);
            o.Prices["gpt-4o-mini"] = new ModelPrice(0.15m, 0.60m);
        });
        await using SessionScope session = await tracer.StartSessionAsync();
        var exact = new LlmCallEvent { ModelName = "gpt-4o", InputTokens = 1_000_000, OutputTokens = 100_000 };
        var dated = new LlmCallEvent { ModelName = "gpt-4o-mini-2024-07-18", InputTokens = 2_000, OutputTokens = 1_000 };
        var given = new LlmCallEvent { ModelName = "gpt-4o", InputTokens = 10, OutputTokens = 10, CostUsd = 1m };
        var unknown = new LlmCallEvent { ModelName = "llama", InputTokens = 10, OutputTokens = 10 };
        foreach (LlmCallEvent e in new[] { exact, dated, given, unknown })
        {
            await tracer.RecordEventAsync(e);
        }

        exact.CostUsd.ShouldBe(3.50m);
        dated.CostUsd.ShouldBe(0.0009m);
        given.CostUsd.ShouldBe(1m);
        unknown.CostUsd.ShouldBeNull();
        exact.TotalTokens.ShouldBe(1_100_000);
        Should.Throw<ArgumentOutOfRangeException>(() => tracer.Options.Prices["bad"] = new ModelPrice(-1, 0));
    }

    [Test]
    public async Task Experiments_systems_and_versions_are_stored_and_sessions_name_their_experiment()
    {
        using var store = new TempStore();
        string experimentId, systemId, versionId, sessionId;
        await using (SessionTracer tracer = store.Tracer())
        {
            experimentId = await tracer.CreateExperimentAsync(new Experiment { Name = "prompt-v2", Description = "shorter prompt",
                Configuration = new() { ["temperature"] = 0.2 } });
            systemId = await tracer.RegisterSystemAsync(new AgentSystem { Name = "planner", SystemType = "agent" });
            versionId = await tracer.RegisterSystemVersionAsync(new SystemVersion { SystemId = systemId, Version = "1.2.0",
                Configuration = new() { ["model"] = "gpt-4o" } });
            await using (SessionScope session = await tracer.StartSessionAsync(experimentId: experimentId))
            {
                sessionId = session.SessionId;
            }
        }

        using SessionStore read = store.Open();
        using var command = read.Connection.CreateCommand();
        command.CommandText = """
            SELECT e.name, e.configuration, s.name, s.system_type, v.version, v.configuration, t.experiment_id
            FROM experiments e, systems s, system_versions v, session_traces t
            WHERE e.experiment_id = $e AND s.system_id = $s AND v.version_id = $v AND v.system_id = s.system_id AND t.session_id = $t
            """;
        command.Parameters.AddWithValue("$e", experimentId);
        command.Parameters.AddWithValue("$s", systemId);
        command.Parameters.AddWithValue("$v", versionId);
        command.Parameters.AddWithValue("$t", sessionId);
        using var reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue();
        reader.GetString(0).ShouldBe("prompt-v2");
        reader.GetString(1).ShouldBe("""{"temperature":0.2}""");
        (reader.GetString(2), reader.GetString(3), reader.GetString(4)).ShouldBe(("planner", "agent", "1.2.0"));
        reader.GetString(5).ShouldBe("""{"model":"gpt-4o"}""");
        reader.GetString(6).ShouldBe(experimentId);
        read.ListSessions(new SessionQuery { ExperimentId = experimentId }).Items.ShouldHaveSingleItem().SessionId.ShouldBe(sessionId);
    }

    [Test]
    public async Task BatchInsertSessions_commits_whole_sessions_and_is_idempotent_on_the_session_id()
    {
        using var store = new TempStore();
        await using SessionTracer tracer = store.Tracer(o => o.Prices["m"] = new ModelPrice(1m, 2m));
        List<SessionData> sessions = Enumerable.Range(0, 50).Select(i =>
        {
            var data = new SessionData { SessionId = "bulk" + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture), Metadata = new() { ["i"] = i } };
            var step = new TimestepData { Id = data.SessionId + "-t0", StepId = "only", TurnNumber = 1 };
            data.Timesteps.Add(step);
            data.Events.Add(new LlmCallEvent { Id = data.SessionId + "-e0", TimestepId = step.Id, ModelName = "m", InputTokens = 1000, OutputTokens = 500 });
            data.Messages.Add(new SessionMessage { Id = data.SessionId + "-m0", TimestepId = step.Id, Content = "hi", MessageType = MessageType.User });
            return data;
        }).ToList();

        (await tracer.BatchInsertSessionsAsync(sessions)).ShouldBe(new BatchInsertResult(50, 0));
        (await tracer.BatchInsertSessionsAsync(sessions.Take(10))).ShouldBe(new BatchInsertResult(0, 10));

        using SessionStore read = store.Open();
        using var command = read.Connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM session_traces), (SELECT count(*) FROM events), (SELECT count(*) FROM messages), (SELECT sum(num_events) FROM session_traces)";
        using var reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue();
        (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)).ShouldBe((50L, 50L, 50L, 50L));
        read.GetSession("bulk007")!.Summary.CostUsd.ShouldBe(0.002m);
    }

    [Test]
    public async Task A_disposed_tracer_refuses_new_records_and_had_committed_everything()
    {
        using var store = new TempStore();
        SessionTracer tracer = store.Tracer();
        SessionScope session = await tracer.StartSessionAsync();
        for (int i = 0; i < 1000; i++)
        {
            await tracer.RecordEventAsync(new RuntimeEvent { Action = "a" + i });
        }

        await session.DisposeAsync();
        await tracer.DisposeAsync();
        tracer.RowsWritten.ShouldBe(tracer.RowsQueued);
        await Should.ThrowAsync<ObjectDisposedException>(async () => await tracer.StartSessionAsync());
        using SessionStore read = store.Open();
        read.GetSession(session.SessionId)!.Summary.NumEvents.ShouldBe(1000);
    }
}
