namespace Instrumentor;

/// <summary>How a store indexes its span ids: chosen by who writes the file, not by the schema version.</summary>
internal enum SpanIdIndexing
{
    /// <summary>
    /// Whatever span id index the file has; <c>span_span</c> in a file that has none. For openers that do not write
    /// spans (the export outbox, the log and session tables), so they never rebuild the span writer's choice.
    /// </summary>
    AsFound,

    /// <summary>
    /// A plain index <c>span_span (span_id)</c>, for ids that ascend on each thread as the runtime draws them: inserts
    /// land at one point per writing thread, not anywhere in the B-tree, and a lookup by span id is one seek. A file
    /// with the chunked index instead gets the plain one (built once) and loses the chunked one.
    /// </summary>
    Sequential,

    /// <summary>
    /// <c>span_chunk_span (id &gt;&gt; 14, span_id)</c>, for random ids (other tracers' spans reaching the collector):
    /// inserts stay in the newest chunk of rows, and a lookup by span id is one seek per chunk. Created only in a file
    /// that has no span id index: one the runtime wrote keeps its plain index.
    /// </summary>
    Chunked,
}
