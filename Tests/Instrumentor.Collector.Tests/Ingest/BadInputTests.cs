using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Ingest;

/// <summary>Every refused body gets a problem document naming the fault's JSON path, and leaves the store as it was.</summary>
public class BadInputTests
{
    private RunningCollector _collector = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _collector = await RunningCollector.StartAsync(o => o with { MaxBodyBytes = 64 * 1024 });
        using HttpResponseMessage seed = await _collector.PostJsonAsync("/v1/uploads", Events.Batch(3, "seed"));
        seed.EnsureSuccessStatusCode();
    }

    [OneTimeTearDown]
    public async Task Stop() => await _collector.DisposeAsync();

    private static IEnumerable<TestCaseData> BadBodies()
    {
        string good = Events.Event();
        yield return Case("/v1/uploads", "{\"events\":[", "$.events[0]", "malformed JSON (cut short)");
        yield return Case("/v1/uploads", "{\"events\": [} ", "$.events[0]", "malformed JSON (bad token)");
        yield return Case("/v1/uploads", "", "$", "empty body");
        yield return Case("/v1/uploads", "null", "$", "null body");
        yield return Case("/v1/uploads", "[]", "$", "an array instead of an object");
        yield return Case("/v1/uploads", "{}", "$.events", "events missing");
        yield return Case("/v1/uploads", "{\"events\":{}}", "$.events", "events is not an array");
        yield return Case("/v1/uploads", "{\"batch_id\":7,\"events\":[]}", "$.batch_id", "batch_id is a number");
        yield return Case("/v1/uploads", "{\"batch_id\":\"\",\"events\":[]}", "$.batch_id", "batch_id empty");
        yield return Case("/v1/uploads", Events.Batch([good, Events.Event(traceId: "xyz")]), "$.events[1].trace_id", "bad hex trace id (second event)");
        yield return Case("/v1/uploads", Events.Batch([good, Events.Event(traceId: new string('0', 32))]), "$.events[1].trace_id", "all-zero trace id");
        yield return Case("/v1/uploads", Events.Batch([Events.Event(spanId: "0123456789abcdeZ")]), "$.events[0].span_id", "bad hex span id");
        yield return Case("/v1/uploads", Events.Batch([Events.Event(spanId: "0123")]), "$.events[0].span_id", "short span id");
        yield return Case("/v1/uploads", Events.Batch([Events.Event(parentSpanId: "nothex!!nothex!!")]), "$.events[0].parent_span_id", "bad parent id");
        yield return Case("/v1/uploads", Events.Batch([Events.Event(status: "FAILED")]), "$.events[0].status", "unknown status");
        yield return Case("/v1/uploads", Events.Batch([Events.Event(process: "")]), "$.events[0].process", "empty process");
        yield return Case("/v1/uploads", Events.Batch([Events.Event(durationMs: -1)]), "$.events[0].duration_ms", "negative duration");
        yield return Case("/v1/uploads", Events.Batch([good.Replace("\"duration_ms\":0.42", "\"duration_ms\":\"fast\"")]), "$.events[0].duration_ms", "duration is text");
        yield return Case("/v1/uploads", Events.Batch([good.Replace("\"thread_id\":12", "\"thread_id\":1.5")]), "$.events[0].thread_id", "thread id not an integer");
        yield return Case("/v1/uploads", Events.Batch([good.Replace("\"start\":", "\"begin\":")]), "$.events[0].start", "start missing");
        yield return Case("/v1/uploads", Events.Batch([RemoveField(good, "trace_id")]), "$.events[0].trace_id", "trace id missing");
        yield return Case("/v1/uploads", Events.Batch([RemoveField(good, "span_id")]), "$.events[0].span_id", "span id missing");
        yield return Case("/v1/uploads", Events.Batch([RemoveField(good, "status")]), "$.events[0].status", "status missing");
        yield return Case("/v1/uploads", Events.Batch([good.Replace("\"start\":\"", "\"start\":\"yesterday")]), "$.events[0].start", "start not a time");
        yield return Case("/v1/uploads", Events.Batch([good.Replace("{\"name\":\"quantity\",", "{")]), "$.events[0].data[0].name", "value without name");
        yield return Case("/v1/uploads", Events.Batch([good.Replace("\"type\":\"INPUT\"", "\"type\":\"ARG\"")]), "$.events[0].data[0].type", "unknown value type");
        yield return Case("/v1/uploads", Events.Batch([good.Replace("\"value\":\"3\"", "\"value\":3")]), "$.events[0].data[0].value", "value not a string");
        yield return Case("/v1/uploads", Events.Batch([good, "null"]), "$.events[1]", "null event");
        yield return Case("/v1/uploads", "{\"events\":[],\"system_info\":{\"system_name\":5}}", "$.system_info.system_name", "system name not a string");
        yield return Case("/v1/uploads/stream", "{\"system_info\":null}", "$.event", "stream without event");
        yield return Case("/v1/uploads/stream", Events.Stream(Events.Event(traceId: "abc")), "$.event.trace_id", "stream with bad trace id");
        yield return Case("/v1/uploads/stream", "{\"event\":[]}", "$.event", "stream event is an array");
        yield return Case("/api/ingest", "{}", "$", "logs must be an array");
        yield return Case("/api/ingest", "[{\"level\":\"Information\"}]", "$[0].event", "log without message");
        yield return Case("/api/ingest", "[{\"event\":\"x\"},{\"event\":\"y\",\"trace_id\":\"nothex\"}]", "$[1].trace_id", "log with bad trace id");
        yield return Case("/api/ingest", "[{\"event\":\"x\",\"timestamp\":\"later\"}]", "$[0].timestamp", "log with bad time");
        yield return Case("/api/ingest", "[{\"event\":\"x\",\"span_id\":12}]", "$[0].span_id", "log span id a number");
    }

    [TestCaseSource(nameof(BadBodies))]
    public async Task A_bad_body_is_400_with_the_path_of_the_fault_and_stores_nothing(string endpoint, string body, string path)
    {
        StoreSnapshot before = StoreSnapshot.Of(_collector);

        using HttpResponseMessage response = await _collector.PostJsonAsync(endpoint, body);

        await ProblemAssert.IsProblem(response, 400, path);
        StoreSnapshot.Of(_collector).ShouldBe(before);
    }

    [Test]
    public async Task A_body_over_the_limit_is_413_and_stores_nothing()
    {
        StoreSnapshot before = StoreSnapshot.Of(_collector);
        string body = Events.Batch(400); // ~200 KB, over this server's 64 KiB

        using HttpResponseMessage response = await _collector.PostJsonAsync("/v1/uploads", body);

        await ProblemAssert.IsProblem(response, 413);
        StoreSnapshot.Of(_collector).ShouldBe(before);
    }

    [Test]
    public async Task A_gzip_body_that_unpacks_over_the_limit_is_413()
    {
        var compressed = new System.IO.MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes("{\"events\":[" + new string(' ', 1024 * 1024) + "]}"));
        }

        compressed.Length.ShouldBeLessThan(64 * 1024);
        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");

        using HttpResponseMessage response = await _collector.Client.PostAsync("/v1/uploads", content);

        await ProblemAssert.IsProblem(response, 413);
    }

    [Test]
    public async Task A_body_that_claims_gzip_but_is_not_is_400()
    {
        var content = new StringContent(Events.Batch(1));
        content.Headers.ContentEncoding.Add("gzip");

        using HttpResponseMessage response = await _collector.Client.PostAsync("/v1/uploads", content);

        await ProblemAssert.IsProblem(response, 400);
    }

    [Test]
    public async Task A_fuzzed_corpus_of_bodies_never_gets_a_5xx_and_a_refused_body_never_changes_the_store()
    {
        var random = new Random(20261201);
        string[] seeds = [Events.Batch(3), Events.Stream(Events.Event()), "[{\"event\":\"x\",\"level\":\"Information\"}]"];
        string[] endpoints = ["/v1/uploads", "/v1/uploads/stream", "/api/ingest"];
        int refused = 0;
        for (int i = 0; i < 300; i++)
        {
            int which = i % 3;
            byte[] body = Mutate(Encoding.UTF8.GetBytes(seeds[which]), random);
            StoreSnapshot before = StoreSnapshot.Of(_collector);
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

            using HttpResponseMessage response = await _collector.Client.PostAsync(endpoints[which], content);

            int status = (int)response.StatusCode;
            string text = await response.Content.ReadAsStringAsync();
            status.ShouldBeLessThan(500, $"body: {Encoding.UTF8.GetString(body)}\nanswer: {text}");
            if (status == 200)
            {
                continue;
            }

            refused++;
            status.ShouldBeOneOf(400, 413, 415);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32().ShouldBe(status);
            StoreSnapshot.Of(_collector).ShouldBe(before, $"refused body changed the store: {Encoding.UTF8.GetString(body)}");
        }

        refused.ShouldBeGreaterThan(150, "the corpus should be mostly invalid");
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        byte[] body = (byte[])seed.Clone();
        switch (random.Next(7))
        {
            case 0: // cut short
                return body[..random.Next(body.Length)];
            case 1: // flip a few bytes (invalid UTF-8 included)
                for (int i = 0; i < 1 + random.Next(4); i++)
                {
                    body[random.Next(body.Length)] = (byte)random.Next(256);
                }

                return body;
            case 2: // a value of another type somewhere
            {
                string text = Encoding.UTF8.GetString(body);
                string[] replacements = ["1e999", "true", "[]", "{}", "null", "\"\"", "-0", "123456789012345678901234567890"];
                int at = text.IndexOf(':', random.Next(text.Length));
                if (at < 0)
                {
                    return body;
                }

                int end = text.IndexOfAny([',', '}'], at + 1);
                return Encoding.UTF8.GetBytes(text[..(at + 1)] + replacements[random.Next(replacements.Length)] + (end < 0 ? "" : text[end..]));
            }

            case 3: // deep nesting
                return Encoding.UTF8.GetBytes(new string('[', 2000) + new string(']', 2000));
            case 4: // random bytes
            {
                byte[] noise = new byte[random.Next(1, 300)];
                random.NextBytes(noise);
                return noise;
            }

            case 5: // a field removed
            {
                string text = Encoding.UTF8.GetString(body);
                string[] fields = ["trace_id", "span_id", "process", "start", "status", "events", "event", "name"];
                return Encoding.UTF8.GetBytes(text.Replace("\"" + fields[random.Next(fields.Length)] + "\"", "\"x" + random.Next(9) + "\""));
            }

            default: // a duplicated chunk
            {
                int from = random.Next(body.Length);
                int length = random.Next(1, Math.Max(2, body.Length - from));
                return [.. body[..from], .. body[from..(from + length)], .. body[from..]];
            }
        }
    }

    private static TestCaseData Case(string endpoint, string body, string path, string name) =>
        new TestCaseData(endpoint, body, path).SetArgDisplayNames(name);

    private static string RemoveField(string json, string field)
    {
        JsonElement element = JsonDocument.Parse(json).RootElement;
        var parts = element.EnumerateObject().Where(p => p.Name != field).Select(p => $"\"{p.Name}\":{p.Value.GetRawText()}");
        return "{" + string.Join(",", parts) + "}";
    }
}
