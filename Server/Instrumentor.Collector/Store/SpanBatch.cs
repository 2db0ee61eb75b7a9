using System.Collections.Generic;

namespace Instrumentor.Collector.Store;

/// <summary>Validated spans of one request, ready for the store: all of them commit, or none.</summary>
internal sealed record SpanBatch(IReadOnlyList<SpooledSpan> Spans, string? Service, SenderIdentity? System, string? BatchId);
