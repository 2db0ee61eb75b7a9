using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Instrumentor.Collector.Alerts.Api;
using Instrumentor.Collector.Alerts.Evaluation;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Instrumentor.Collector.Alerts.Actions;

/// <summary>
/// The <c>webhook</c> action: POSTs <see cref="AlertMessage"/> as JSON, on its own task, through a Polly.Core pipeline
/// (retry with exponential backoff and jitter on network errors, timeouts, 408, 429 and 5xx; a timeout per attempt).
/// Evaluation only enqueues: a slow or dead receiver never delays a rule. Messages leave in the order they were made.
/// </summary>
internal sealed class WebhookSender : IAsyncDisposable
{
    private readonly Channel<(Uri Url, AlertMessage Message, RuleState State)> _queue;
    private readonly HttpClient _client;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly AlertLog _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;

    public WebhookSender(WebhookOptions options, AlertLog log)
    {
        _log = log;
        _queue = Channel.CreateBounded<(Uri, AlertMessage, RuleState)>(new BoundedChannelOptions(options.Capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }, dropped => log.Report("warning", "alert.webhook_dropped", dropped.Item2.Rule,
            $"webhook queue full ({options.Capacity}): dropped the oldest waiting message ({dropped.Item2.State} at {dropped.Item2.At})"));
        _client = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 4,
            ConnectTimeout = options.AttemptTimeout,
        })
        {
            // The pipeline's timeout rules each attempt.
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("instrumentor-alerts/1");
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.FirstDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(response => IsTransient(response.StatusCode)),
                OnRetry = arguments =>
                {
                    arguments.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
        _worker = Task.Run(DeliverAsync);
    }

    /// <summary>Queues a message for <paramref name="url"/>; <paramref name="state"/> learns whether it was delivered.</summary>
    public void Enqueue(Uri url, AlertMessage message, RuleState state) => _queue.Writer.TryWrite((url, message, state));

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        // Messages still waiting get a short chance to leave, then the retries are abandoned.
        _stop.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await _worker.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private async Task DeliverAsync()
    {
        CancellationToken stop = _stop.Token;
        await foreach ((Uri url, AlertMessage message, RuleState state) in _queue.Reader.ReadAllAsync(stop).ConfigureAwait(false))
        {
            try
            {
                using HttpResponseMessage response = await _pipeline.ExecuteAsync(async token =>
                    await _client.PostAsJsonAsync(url, message, AlertJsonContext.Default.AlertMessage, token).ConfigureAwait(false), stop).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    state.ActionResult(null);
                }
                else
                {
                    Failed(state, message, $"webhook {url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or OperationCanceledException)
            {
                Failed(state, message, $"webhook {url} failed after retries: {e.Message}");
            }
        }
    }

    private void Failed(RuleState state, AlertMessage message, string error)
    {
        state.ActionResult(error);
        _log.Report("error", "alert.webhook_failed", message.Rule, error);
    }
}
