using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Export.Tests.Infrastructure;

/// <summary>One request a <see cref="FakeServer"/> received.</summary>
internal sealed record FakeRequest(string Path, string Body, string? Authorization)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>The span ids of the request's events (a stream body's one, or a batch's).</summary>
    public string[] SpanIds()
    {
        JsonElement root = Json;
        if (root.TryGetProperty("event", out JsonElement single))
        {
            return [single.GetProperty("span_id").GetString()!];
        }

        return [.. System.Linq.Enumerable.Select(root.GetProperty("events").EnumerateArray(), e => e.GetProperty("span_id").GetString()!)];
    }

    public string? BatchId => Json.TryGetProperty("batch_id", out JsonElement id) ? id.GetString() : null;
}

/// <summary>What a <see cref="FakeServer"/> answers: a status, an optional Retry-After (seconds), a delay before answering.</summary>
internal sealed record FakeAnswer(int Status, int? RetryAfterSeconds = null, TimeSpan Delay = default)
{
    public static readonly FakeAnswer Ok = new(200);
}

/// <summary>
/// A small HTTP server on 127.0.0.1 (HttpListener) that records every request and answers what the test's function
/// says: the collector's failure modes (500, 429 + Retry-After, 400, slow or no answer) on demand.
/// </summary>
internal sealed class FakeServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<FakeRequest, int, FakeAnswer> _answer;
    private readonly CancellationTokenSource _stop = new();
    private int _count;

    /// <param name="answer">The answer to a request, given it and its 0-based number.</param>
    public FakeServer(Func<FakeRequest, int, FakeAnswer> answer)
    {
        _answer = answer;
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync();
            }

            var request = new FakeRequest(context.Request.Url!.AbsolutePath, body, context.Request.Headers["Authorization"]);
            Requests.Enqueue(request);
            FakeAnswer answer = _answer(request, Interlocked.Increment(ref _count) - 1);
            if (answer.Delay > TimeSpan.Zero)
            {
                await Task.Delay(answer.Delay, _stop.Token);
            }

            context.Response.StatusCode = answer.Status;
            if (answer.RetryAfterSeconds is int seconds)
            {
                context.Response.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            byte[] text = Encoding.UTF8.GetBytes(answer.Status == 200 ? "{\"accepted\":1,\"duplicates\":0}" : "{\"title\":\"fake\"}");
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(text);
            context.Response.Close();
        }
        catch (Exception)
        {
            // The test stopped the server, or the client went away.
            try
            {
                context.Response.Abort();
            }
            catch (Exception)
            {
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
