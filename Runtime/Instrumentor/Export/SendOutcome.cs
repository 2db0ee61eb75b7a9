namespace Instrumentor.Export;

/// <summary>What became of one request after the resilience pipeline.</summary>
internal enum SendOutcome
{
    /// <summary>2xx: the collector committed the spans (or already had them).</summary>
    Acknowledged,

    /// <summary>400 or 413: the body is refused as it is; retrying it unchanged can never succeed.</summary>
    Refused,

    /// <summary>Everything else (network errors, timeouts, 5xx/429 after the retries, an open circuit, 401/403): try later.</summary>
    Failed,
}
