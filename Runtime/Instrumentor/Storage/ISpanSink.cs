using System;

namespace Instrumentor;

/// <summary>
/// Where the writer commits batches. <see cref="Write"/> is all-or-nothing: it returns once the whole batch is
/// durable, or throws and has kept nothing, so the writer can retry the same batch without duplicates.
/// </summary>
internal interface ISpanSink : IDisposable
{
    /// <summary>A short name for messages, such as the database path.</summary>
    string Name { get; }

    /// <summary>
    /// Commits <paramref name="batch"/> in one transaction, together with <paramref name="checkpoint"/> (how far
    /// the spool has been replayed) when the batch holds replayed records.
    /// </summary>
    void Write(ReadOnlySpan<SpanRecord> batch, SpoolCheckpoint? checkpoint);

    /// <summary>
    /// Whether side rows (see <see cref="ISideRowSource"/>) wait to be committed: the writer then commits a round even
    /// without spans. Only the SQLite store has any.
    /// </summary>
    bool HasSideRows => false;

    /// <summary>The replay checkpoint stored for the spool generation <paramref name="fileId"/>, if any.</summary>
    long? ReadCheckpoint(string fileId);

    /// <summary>Deletes at most <paramref name="limit"/> spans that started before <paramref name="cutoffUnixMicroseconds"/>.</summary>
    /// <returns>How many were deleted.</returns>
    int Purge(long cutoffUnixMicroseconds, int limit);
}
