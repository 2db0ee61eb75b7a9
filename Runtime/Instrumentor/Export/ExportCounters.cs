namespace Instrumentor.Export;

/// <summary>The counters of one exporter, written by its worker, read by <see cref="Monitoring.Stats"/> and the meter.</summary>
internal sealed class ExportCounters
{
    /// <summary>Spans the endpoint acknowledged (2xx), duplicates included.</summary>
    internal long Sent;

    /// <summary>Requests that failed after their retries (or met an open circuit); their spans stay in the outbox.</summary>
    internal long Failed;

    /// <summary>Retries of requests (each attempt after the first).</summary>
    internal long Retried;

    /// <summary>Spans the endpoint refused as bad input (400/413 alone in a bisected batch), set aside.</summary>
    internal long Rejected;

    /// <summary>Committed spans not yet acknowledged, as of the worker's last look at the store.</summary>
    internal long Backlog;

    /// <summary>0 closed, 1 open, 2 half-open, 3 isolated (Polly's <c>CircuitState</c>).</summary>
    internal int CircuitState;
}
