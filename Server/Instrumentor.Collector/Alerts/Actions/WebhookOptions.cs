using System;

namespace Instrumentor.Collector.Alerts.Actions;

/// <summary>How webhooks are delivered: retries with exponential backoff and jitter, a timeout per attempt.</summary>
internal sealed record WebhookOptions
{
    /// <summary>Attempts after the first one.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The first retry's delay; each next one is about twice as long (with jitter), capped by <see cref="MaxDelay"/>.</summary>
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time allowed to one attempt (connect, send, answer).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages waiting for delivery; beyond it the oldest waiting one is dropped (and reported).</summary>
    public int Capacity { get; init; } = 1_000;
}
