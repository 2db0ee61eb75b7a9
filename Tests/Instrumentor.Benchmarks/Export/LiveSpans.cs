using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Benchmarks.Export;

/// <summary>
/// A listener of the collector's <c>GET /api/live?process=P</c> (Server-Sent Events): notes the moment each span
/// arrives, keyed by the value of its argument <c>n</c>, so the latency run can see when a span became visible.
/// </summary>
internal sealed class LiveSpans : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _arrivals = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _reader;

    private LiveSpans(Uri baseAddress) => _http = new HttpClient { BaseAddress = baseAddress, Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    /// <summary>Opens the stream for spans of <paramref name="process"/> and waits until the collector answered.</summary>
    public static async Task<LiveSpans> StartAsync(Uri baseAddress, string process)
    {
        var live = new LiveSpans(baseAddress);
        live._reader = Task.Run(() => live.ReadAsync("api/live?process=" + Uri.EscapeDataString(process)));
        await live._connected.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return live;
    }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the span with argument <paramref name="n"/> arrived.</summary>
    public Task<long> ArrivalAsync(long n) => Arrival(n.ToString(System.Globalization.CultureInfo.InvariantCulture)).Task;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            if (_reader is not null)
            {
                await _reader.ConfigureAwait(false);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // The stream ends with the cancellation (as an OperationCanceledException or an IOException of the read).
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private TaskCompletionSource<long> Arrival(string value) =>
        _arrivals.GetOrAdd(value, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task ReadAsync(string path)
    {
        try
        {
            using HttpResponseMessage response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, _stop.Token).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token).ConfigureAwait(false));
            while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
            {
                _connected.TrySetResult();
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                long now = Stopwatch.GetTimestamp();
                using JsonDocument span = JsonDocument.Parse(line.AsMemory(6));
                if (!span.RootElement.TryGetProperty("data", out JsonElement data) || data.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (JsonElement value in data.EnumerateArray())
                {
                    if (value.GetProperty("name").GetString() == "n" && value.GetProperty("value").GetString() is { } n)
                    {
                        Arrival(n).TrySetResult(now);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _connected.TrySetException(ex);
            throw;
        }
    }
}
