using System;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Instrumentor.Collector.Live;

/// <summary>
/// <c>GET /api/live</c>: Server-Sent Events, one <c>event: span</c> per stored span (data: the SPAN JSON), optionally
/// only for <c>?process=</c> and <c>?status=ERR</c>. A comment line opens the stream and keeps it alive.
/// </summary>
internal sealed class LiveEndpoint
{
    private static readonly TimeSpan s_heartbeat = TimeSpan.FromSeconds(15);
    private static readonly byte[] s_opening = Encoding.UTF8.GetBytes(": instrumentor live spans\n\n");
    private static readonly byte[] s_keepAlive = Encoding.UTF8.GetBytes(": keep-alive\n\n");
    private static readonly byte[] s_eventStart = Encoding.UTF8.GetBytes("event: span\ndata: ");
    private static readonly byte[] s_eventEnd = Encoding.UTF8.GetBytes("\n\n");

    private readonly LiveFeed _feed;

    public LiveEndpoint(LiveFeed feed) => _feed = feed;

    public void Map(IEndpointRouteBuilder endpoints) => endpoints.MapGet("/api/live", Stream);

    private async Task Stream(HttpContext context)
    {
        string? process = context.Request.Query["process"];
        string? status = context.Request.Query["status"];
        if (status is { Length: > 0 } and not ("OK" or "ERR"))
        {
            await Problem.BadRequest(context, $"status must be OK or ERR, not '{status}'", "?status", "invalid-query").ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        using LiveSubscription subscription = _feed.Subscribe();
        CancellationToken aborted = context.RequestAborted;
        try
        {
            await context.Response.Body.WriteAsync(s_opening, aborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
            while (!aborted.IsCancellationRequested)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                beat.CancelAfter(s_heartbeat);
                bool more;
                try
                {
                    more = await subscription.Spans.WaitToReadAsync(beat.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await context.Response.Body.WriteAsync(s_keepAlive, aborted).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
                    continue;
                }

                if (!more)
                {
                    return;
                }

                while (subscription.Spans.TryRead(out SpanItem? span))
                {
                    if ((process is { Length: > 0 } && span.Process != process) || (status is { Length: > 0 } && span.Status != status))
                    {
                        continue;
                    }

                    await context.Response.Body.WriteAsync(s_eventStart, aborted).ConfigureAwait(false);
                    await JsonSerializer.SerializeAsync(context.Response.Body, span, CollectorJsonContext.Default.SpanItem, aborted).ConfigureAwait(false);
                    await context.Response.Body.WriteAsync(s_eventEnd, aborted).ConfigureAwait(false);
                }

                await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }
}
