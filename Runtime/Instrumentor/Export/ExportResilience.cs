using System;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Instrumentor.Export;

/// <summary>
/// The Polly pipeline around one request, outermost first: retry (exponential backoff, multiplier 1.5, jitter, capped,
/// honouring <c>Retry-After</c>), circuit breaker (opens when every attempt of a sampling window failed, then lets one
/// probe through half-open), per-attempt timeout. Only what may succeed later is retried: network errors, timeouts,
/// 408, 429 and 5xx.
/// </summary>
internal static class ExportResilience
{
    /// <summary>Each retry waits this many times the previous delay (before jitter).</summary>
    internal const double BackoffMultiplier = 1.5;

    internal static ResiliencePipeline<HttpResponseMessage> Build(HttpExporterOptions options, ExportCounters counters,
        CircuitBreakerStateProvider state, TimeProvider? time = null)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (time is not null)
        {
            builder.TimeProvider = time;
        }

        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(options, args.AttemptNumber, args.Outcome.Result)),
                OnRetry = _ =>
                {
                    System.Threading.Interlocked.Increment(ref counters.Retried);
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = 1.0,
            MinimumThroughput = options.CircuitBreakerFailures,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = options.CircuitBreakDuration,
            StateProvider = state,
            ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome) && args.Outcome.Exception is not BrokenCircuitException),
        });
        builder.AddTimeout(options.Timeout);
        return builder.Build();
    }

    /// <summary>Worth another attempt: a network error, a timeout, 408, 429 or 5xx (not an open circuit: that waits).</summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        null => outcome.Result is { } response && IsTransient(response.StatusCode),
        BrokenCircuitException => false,
        HttpRequestException or TimeoutRejectedException or System.IO.IOException => true,
        // HttpClient reports its own timeouts as a cancellation that the caller's token did not ask for.
        OperationCanceledException => false,
        _ => false,
    };

    internal static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>
    /// The delay before retry <paramref name="attempt"/> (0-based): the server's <c>Retry-After</c> when it sent one
    /// (capped at <see cref="HttpExporterOptions.MaxBackoff"/>), else the backoff 1.5^attempt times the first delay,
    /// capped, with ±20 % jitter so that many clients do not retry in step.
    /// </summary>
    internal static TimeSpan Delay(HttpExporterOptions options, int attempt, HttpResponseMessage? response)
    {
        if (RetryAfter(response) is { } asked)
        {
            return asked > options.MaxBackoff ? options.MaxBackoff : asked;
        }

        double ms = options.RetryBackoff.TotalMilliseconds * Math.Pow(BackoffMultiplier, Math.Min(attempt, 64));
        ms = Math.Min(ms, options.MaxBackoff.TotalMilliseconds);
        ms *= 0.8 + (0.4 * Random.Shared.NextDouble());
        return TimeSpan.FromMilliseconds(Math.Min(ms, options.MaxBackoff.TotalMilliseconds));
    }

    /// <summary>The <c>Retry-After</c> of a response (seconds or an HTTP date), if any.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        if (response?.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            TimeSpan wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
