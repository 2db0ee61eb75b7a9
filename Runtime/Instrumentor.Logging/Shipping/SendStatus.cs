namespace Instrumentor.Logging;

/// <summary>How a send ended.</summary>
internal enum SendStatus
{
    /// <summary>2xx: the collector committed the batch.</summary>
    Delivered,

    /// <summary>Unreachable, timed out, 408/429/5xx after the retries, or the circuit is open: worth sending later.</summary>
    Failed,

    /// <summary>Another 4xx: the batch is bad and would be refused again.</summary>
    Rejected,
}
