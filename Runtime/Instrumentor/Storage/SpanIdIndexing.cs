namespace Instrumentor;

/// <summary>How a store indexes its span ids: chosen by who writes the file, not by the schema version.</summary>
internal enum SpanIdIndexing
{
    /// <summary>
    /// A plain index <c>span_span (span_id)</c>, for ids that ascend on each thread as the runtime draws them: inserts
    /// land at one point per writing thread, not anywhere in the B-tree, and a lookup by span id is one seek.
    /// </summary>
    Sequential,

    /// <summary>
    /// <c>span_chunk_span (id &gt;&gt; 14, span_id)</c>, for random ids (other tracers' spans reaching the collector):
    /// inserts stay in the newest chunk of rows, and a lookup by span id is one seek per chunk.
    /// </summary>
    Chunked,
}
