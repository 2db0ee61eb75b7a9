using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace Instrumentor.Sessions.Tests.Export;

public sealed class SessionImportTests
{
    private static async Task<string[]> RecordThreeSessionsAsync(TempStore store)
    {
        var ids = new string[3];
        await using SessionTracer tracer = store.Tracer(o => o.Prices["m"] = new ModelPrice(1m, 1m));
        for (int i = 0; i < 3; i++)
        {
            await using SessionScope session = await tracer.StartSessionAsync(metadata: new() { ["i"] = i, ["tags"] = new[] { "a", "b" } });
            ids[i] = session.SessionId;
            await using (await tracer.StartTimestepAsync("t", 1))
            {
                await tracer.RecordEventAsync(new LlmCallEvent { ModelName = "m", InputTokens = 100, OutputTokens = 10, Embedding = [1f, 2f] });
                await tracer.RecordEventAsync(new EnvironmentEvent { Reward = 0.5 });
                await tracer.RecordMessageAsync("hello " + i, MessageType.User);
            }
        }

        return ids;
    }

    [Test]
    public async Task An_export_imported_into_another_store_gives_the_same_sessions_and_a_second_import_stores_nothing()
    {
        using var source = new TempStore();
        using var target = new TempStore();
        string[] ids = await RecordThreeSessionsAsync(source);
        string file = Path.Combine(source.Directory, "sessions.jsonl");
        (await SessionExport.ToJsonLinesAsync(source.DatabasePath, file)).ShouldBe(3);
        File.ReadAllLines(file).Length.ShouldBe(3);

        await using (SessionTracer tracer = target.Tracer())
        {
            SessionImportResult first = await SessionImport.FromJsonLinesAsync(file, tracer);
            (first.Imported, first.Duplicates, first.Errors.Count).ShouldBe((3, 0, 0));
            SessionImportResult second = await SessionImport.FromJsonLinesAsync(file, tracer);
            (second.Imported, second.Duplicates, second.Errors.Count).ShouldBe((0, 3, 0));
        }

        using SessionStore before = source.Open();
        using SessionStore after = target.Open();
        foreach (string id in ids)
        {
            SessionDetail a = before.GetSession(id)!, b = after.GetSession(id)!;
            b.Summary.ShouldBe(a.Summary);
            b.Events.Select(e => (e.Id, e.EventType, e.TimestepId, e.EventTime)).ShouldBe(a.Events.Select(e => (e.Id, e.EventType, e.TimestepId, e.EventTime)));
            ((LlmCallEvent)b.Events[0]).CostUsd.ShouldBe(0.00011m);
            b.Events[0].Embedding.ShouldBe([1f, 2f]);
            ((EnvironmentEvent)b.Events[1]).Reward.ShouldBe(0.5);
            b.Messages.Single().Content.ShouldBe(a.Messages.Single().Content);
            b.Timesteps.Single().Id.ShouldBe(a.Timesteps.Single().Id);
        }
    }

    [Test]
    public async Task Bad_lines_are_reported_with_their_line_number_and_the_others_are_imported()
    {
        using var source = new TempStore();
        using var target = new TempStore();
        await RecordThreeSessionsAsync(source);
        string file = Path.Combine(source.Directory, "sessions.jsonl");
        await SessionExport.ToJsonLinesAsync(source.DatabasePath, file);
        string[] good = File.ReadAllLines(file);
        File.WriteAllLines(file,
        [
            good[0],
            "{not json",
            "",
            """{"session_id":"s-bad","created_at":"2026-12-01T10:00:00Z","events":[{"id":"e1","event_type":"cais","event_time":"2026-12-01T10:00:01Z","input_tokens":"many"}]}""",
            good[1],
            """{"created_at":"2026-12-01T10:00:00Z"}""",
            good[2],
        ]);

        await using SessionTracer tracer = target.Tracer();
        SessionImportResult result = await SessionImport.FromJsonLinesAsync(file, tracer);
        result.Imported.ShouldBe(3);
        result.Errors.Select(e => e.LineNumber).ShouldBe(new[] { 2, 4, 6 });
        result.Errors[0].Message.ShouldStartWith("not JSON");
        result.Errors[1].Message.ShouldBe("$.events[0].input_tokens: expected a non-negative integer");
        result.Errors[2].Message.ShouldBe("$.session_id: is required");
        await tracer.FlushAsync();
        using SessionStore read = target.Open();
        read.GetSession("s-bad").ShouldBeNull();
        read.ListSessions(new SessionQuery()).Items.Count.ShouldBe(3);
    }

    [Test]
    public async Task A_missing_file_is_a_clear_error()
    {
        using var store = new TempStore();
        await using SessionTracer tracer = store.Tracer();
        var error = await Should.ThrowAsync<FileNotFoundException>(() => SessionImport.FromJsonLinesAsync(Path.Combine(store.Directory, "none.jsonl"), tracer));
        error.Message.ShouldContain("none.jsonl");
    }
}
