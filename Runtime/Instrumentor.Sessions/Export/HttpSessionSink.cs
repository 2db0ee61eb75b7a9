using System;
using System.Buffers;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Sessions.Json;
using Instrumentor.Sessions.Storage;

namespace Instrumentor.Sessions.Export;

/// <summary>
/// Sends session batches to the collector (<c>POST /v1/sessions</c>), which commits each in one transaction. A 2xx
/// means committed; anything else throws and the writer sends the same batch again later (every row is idempotent
/// on its id, so a batch committed before a lost answer is not stored twice).
/// </summary>
internal sealed class HttpSessionSink : ISessionSink
{
    internal const string Path = "v1/sessions";
    private readonly HttpClient _client;
    private readonly Uri _endpoint;

    internal HttpSessionSink(Uri collector, string? apiKey)
    {
        _endpoint = new Uri(collector.AbsoluteUri.EndsWith('/') ? collector : new Uri(collector.AbsoluteUri + "/"), Path);
        _client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (!string.IsNullOrEmpty(apiKey))
        {
            _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    public async Task<WriteResult> WriteAsync(SessionBatch batch, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            SessionJson.WriteBatch(writer, batch);
        }

        using var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await _client.PostAsync(_endpoint, content, cancellationToken).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the collector answered {(int)response.StatusCode} to {_endpoint}: {body}", null, response.StatusCode);
        }

        using JsonDocument answer = JsonDocument.Parse(body);
        int accepted = answer.RootElement.TryGetProperty("accepted", out JsonElement a) && a.TryGetInt32(out int n) ? n : 0;
        int duplicates = answer.RootElement.TryGetProperty("duplicates", out JsonElement d) && d.TryGetInt32(out int m) ? m : 0;
        return new WriteResult(accepted, duplicates);
    }

    public void Dispose() => _client.Dispose();
}
