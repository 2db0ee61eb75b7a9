using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Benchmarks.Collector;

/// <summary>
/// One sender: its own connection, posting <see cref="LoadBatch"/> bodies to <c>/v1/uploads</c> one after the other
/// and checking each answer. A 429/503 is retried with the same body and batch id after its Retry-After, as an
/// exporter does (so a retry of a batch that did commit would show up as duplicates, never as a second row).
/// </summary>
internal sealed class LoadClient : IDisposable
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private readonly HttpClient _http;
    private readonly LoadBatch _batch;
    private readonly Random _random;
    private readonly ulong _seed;
    private long _batches;

    public LoadClient(Uri baseAddress, ulong seed)
    {
        _seed = seed;
        _batch = new LoadBatch(seed);
        _random = new Random((int)seed);
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseProxy = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(120),
        };
    }

    /// <summary>Spans sent in bodies that were answered 200.</summary>
    public long Sent { get; private set; }

    /// <summary>The sum of <c>accepted</c> over the answers.</summary>
    public long Accepted { get; private set; }

    /// <summary>The sum of <c>duplicates</c> over the answers.</summary>
    public long Duplicates { get; private set; }

    /// <summary>429/503 answers (each retried).</summary>
    public long Refused { get; private set; }

    /// <summary>Request round trips in milliseconds, one per 200 answer.</summary>
    public List<double> LatenciesMs { get; } = [];

    /// <summary>(completion timestamp, spans accepted) of each answered request.</summary>
    public List<(long Timestamp, int Spans)> Completions { get; } = [];

    /// <summary>
    /// Posts batches of <paramref name="minBatch"/> to <paramref name="maxBatch"/> spans (start times now) until
    /// <paramref name="until"/>.
    /// </summary>
    public async Task RunAsync(int minBatch, int maxBatch, CancellationToken until)
    {
        while (!until.IsCancellationRequested)
        {
            int spans = _random.Next(minBatch, maxBatch + 1);
            await SendAsync(spans, DateTime.UtcNow, TimeSpan.FromMilliseconds(0.01)).ConfigureAwait(false);
        }
    }

    /// <summary>Posts one batch of <paramref name="spans"/> spans whose traces start at <paramref name="start"/>, <paramref name="step"/> apart.</summary>
    public async Task SendAsync(int spans, DateTime start, TimeSpan step)
    {
        string batchId = $"{_seed:x16}-{++_batches}";
        (ReadOnlyMemory<byte> body, int count) = _batch.Write(spans, start, step, batchId);
        while (true)
        {
            long began = Stopwatch.GetTimestamp();
            using var content = new ReadOnlyMemoryContent(body);
            content.Headers.ContentType = s_json;
            using HttpResponseMessage response = await _http.PostAsync("v1/uploads", content).ConfigureAwait(false);
            byte[] answer = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
            {
                Refused++;
                TimeSpan wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                await Task.Delay(wait).ConfigureAwait(false);
                continue;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"POST /v1/uploads: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(answer)}");
            }

            long now = Stopwatch.GetTimestamp();
            using JsonDocument document = JsonDocument.Parse(answer);
            int accepted = document.RootElement.GetProperty("accepted").GetInt32();
            int duplicates = document.RootElement.GetProperty("duplicates").GetInt32();
            Sent += count;
            Accepted += accepted;
            Duplicates += duplicates;
            LatenciesMs.Add(Stopwatch.GetElapsedTime(began, now).TotalMilliseconds);
            Completions.Add((now, accepted));
            return;
        }
    }

    public void Dispose() => _http.Dispose();
}
