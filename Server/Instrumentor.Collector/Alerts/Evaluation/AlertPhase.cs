namespace Instrumentor.Collector.Alerts.Evaluation;

/// <summary>Where a rule's value stands against its threshold (docs/alerts.md, "States").</summary>
internal enum AlertPhase
{
    /// <summary>Below the threshold (or never evaluated).</summary>
    Ok,

    /// <summary>At or above the threshold, but not yet for <c>for_seconds</c>, or still in its cooldown.</summary>
    Pending,

    /// <summary>Fired; stays so until the value drops below the threshold.</summary>
    Firing,
}
