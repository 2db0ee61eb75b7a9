using System.Collections.Generic;

namespace Instrumentor.Export;

/// <summary>
/// The wire format of an exporter: turns a run of outbox spans of one system into a request. Everything else (the
/// outbox and its cursor, batching, retries, the circuit breaker, bisecting refused batches) is the same exporter.
/// </summary>
internal interface IExportEncoding
{
    /// <summary>Encodes a run of spans.</summary>
    /// <param name="spans">The spans read from the outbox.</param>
    /// <param name="start">The first of the run.</param>
    /// <param name="length">How many (at least one), all of one system.</param>
    /// <param name="batchId">The batch's id, kept across retries of the same rows (for formats that carry one).</param>
    /// <param name="single">An Instant-mode send of one span (for formats with an endpoint for that).</param>
    ExportRequest Encode(IReadOnlyList<OutboxSpan> spans, int start, int length, string batchId, bool single);
}
