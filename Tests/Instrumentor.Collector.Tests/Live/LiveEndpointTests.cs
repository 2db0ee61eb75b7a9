using System;
using System.IO;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Live;

public class LiveEndpointTests
{
    [Test]
    public async Task Spans_stored_after_subscribing_arrive_as_span_events()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        using HttpResponseMessage old = await collector.PostJsonAsync("/v1/uploads", Events.Batch([Events.Event(process: "Before.Subscribing")]));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/live?status=ERR");
        using HttpResponseMessage response = await collector.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        (await reader.ReadLineAsync(timeout.Token)).ShouldStartWith(":");

        // The live feed starts from the store's newest row when the first listener arrives; it reads it on its next round.
        // Posting until an event arrives keeps the test free of timing guesses.
        Task<string?> firstEvent = NextLineAsync(reader, timeout.Token);
        while (!firstEvent.IsCompleted)
        {
            using HttpResponseMessage posted = await collector.PostJsonAsync("/v1/uploads",
                Events.Batch([Events.Event(process: "Live.Ok"), Events.Event(process: "Live.Failed", status: "ERR", exception: "x")]));
            await Task.WhenAny(firstEvent, Task.Delay(100, timeout.Token));
        }

        (await firstEvent).ShouldBe("event: span");
        string data = (await NextLineAsync(reader, timeout.Token))!;
        data.ShouldStartWith("data: ");
        JsonElement span = JsonDocument.Parse(data[6..]).RootElement;
        Shape.HasFields(span, Shape.Span);
        span.GetProperty("process").GetString().ShouldBe("Live.Failed");
        span.GetProperty("status").GetString().ShouldBe("ERR");
    }

    /// <summary>The next line that is neither blank (an event's end) nor a comment (keep-alive).</summary>
    private static async Task<string?> NextLineAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0 && !line.StartsWith(':'))
            {
                return line;
            }
        }

        return null;
    }
}
