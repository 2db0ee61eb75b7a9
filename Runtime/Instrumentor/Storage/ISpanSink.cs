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

    /// <summary>Commits <paramref name="batch"/> in one transaction.</summary>
    void Write(ReadOnlySpan<SpanRecord> batch);
}
