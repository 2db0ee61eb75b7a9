using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace Instrumentor.Dashboard.Tests.Infrastructure;

/// <summary>Sends spans to a collector through its HTTP ingest API, as an application's exporter would.</summary>
internal sealed class Ingest(Uri baseAddress) : IDisposable
{
    /// <summary>The system name every span is sent with: the collector's service of these spans.</summary>
    public const string SystemName = "dashboard-tests";

    private static readonly JsonObject SystemInfo = new()
    {
        ["system_name"] = SystemName,
        ["system_id"] = "dashboard-tests",
        ["system_instance_id"] = "instance-1",
    };

    private readonly HttpClient _client = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Posts the spans in batches of 1,000 and checks every one was accepted.</summary>
    public async Task BatchesAsync(IEnumerable<TestSpan> spans)
    {
        foreach (var chunk in spans.Chunk(1000))
        {
            var body = new JsonObject
            {
                ["batch_id"] = Guid.NewGuid().ToString("N"),
                ["events"] = new JsonArray(chunk.Select(s => (JsonNode)s.ToJson()).ToArray()),
                ["system_info"] = SystemInfo.DeepClone(),
            };
            await PostAsync("v1/uploads", body, chunk.Length);
        }
    }

    /// <summary>Posts one span to the streaming endpoint (what an Instant exporter does).</summary>
    public Task StreamAsync(TestSpan span) =>
        PostAsync("v1/uploads/stream", new JsonObject { ["event"] = span.ToJson(), ["system_info"] = SystemInfo.DeepClone() }, 1);

    /// <summary>Posts log lines to <c>/api/ingest</c> and checks every one was stored.</summary>
    public async Task LogsAsync(IReadOnlyList<JsonObject> lines)
    {
        var body = new JsonArray(lines.Select(l => (JsonNode)l.DeepClone()).ToArray());
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("api/ingest", content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || (int)JsonNode.Parse(text)!["ingested"]! != lines.Count)
        {
            throw new InvalidOperationException($"POST api/ingest: {lines.Count} sent, answer {(int)response.StatusCode} {text}");
        }
    }

    /// <summary>Posts a session batch to <c>/v1/sessions</c> and checks it was stored.</summary>
    public async Task SessionsAsync(JsonObject batch)
    {
        using var content = new StringContent(batch.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("v1/sessions", content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST v1/sessions: {(int)response.StatusCode} {text}");
    }

    private async Task PostAsync(string path, JsonObject body, int expected)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        var answer = JsonNode.Parse(text)!;
        var accepted = (int)answer["accepted"]! + (int)answer["duplicates"]!;
        if (accepted != expected) throw new InvalidOperationException($"POST {path}: {expected} sent, answer {text}");
    }

    public void Dispose() => _client.Dispose();
}
