using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Instrumentor.Collector.Tests.Alerts;

/// <summary>A real HTTP receiver for webhooks (Kestrel on 127.0.0.1, a free port) that keeps every body it is sent.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<JsonElement> _bodies = Channel.CreateUnbounded<JsonElement>();
    private int _failuresLeft;
    private int _attempts;

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>Where to post.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Requests received, failed ones included.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Starts a receiver whose first <paramref name="failFirst"/> requests get 503.</summary>
    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        var receiver = new WebhookReceiver(app) { _failuresLeft = failFirst };
        app.MapPost("/hook", receiver.Receive);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hook");
        return receiver;
    }

    /// <summary>The next body received (waits at most <paramref name="timeout"/>, then fails the test).</summary>
    public async Task<JsonElement> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await _bodies.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new AssertionException($"no webhook arrived within {timeout.TotalSeconds} s ({Attempts} attempts seen)");
        }
    }

    /// <summary>Bodies received so far and not yet taken.</summary>
    public List<JsonElement> Pending()
    {
        var list = new List<JsonElement>();
        while (_bodies.Reader.TryRead(out JsonElement body))
        {
            list.Add(body);
        }

        return list;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task Receive(HttpContext context)
    {
        Interlocked.Increment(ref _attempts);
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            context.Response.StatusCode = 503;
            return;
        }

        context.Request.ContentType.ShouldNotBeNull().ShouldStartWith("application/json");
        using var reader = new StreamReader(context.Request.Body);
        string text = await reader.ReadToEndAsync();
        _bodies.Writer.TryWrite(JsonDocument.Parse(text).RootElement.Clone());
        context.Response.StatusCode = 204;
    }
}
