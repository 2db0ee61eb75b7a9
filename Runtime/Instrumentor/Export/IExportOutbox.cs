using System;
using System.Collections.Generic;

namespace Instrumentor.Export;

/// <summary>
/// What an exporter reads from: the spans the writer committed, numbered in commit order (the store's row ids, or the
/// spool outbox's span numbers), after the exporter's durable cursor. One exporter thread uses an instance.
/// </summary>
internal interface IExportOutbox : IDisposable
{
    /// <summary>Where the spans wait (a file or folder), for messages.</summary>
    string Location { get; }

    /// <summary>The last number the endpoint acknowledged (0 when this exporter never sent anything).</summary>
    long ReadCursor();

    /// <summary>Moves the cursor to <paramref name="last"/> (never backwards), durably.</summary>
    void SaveCursor(long last);

    /// <summary>The highest number committed so far (0 when empty).</summary>
    long LastRowId();

    /// <summary>How many committed spans lie after <paramref name="after"/>.</summary>
    long CountAfter(long after);

    /// <summary>At most <paramref name="limit"/> spans committed after <paramref name="after"/>, oldest first.</summary>
    List<OutboxSpan> Read(long after, int limit);

    /// <summary>Forgets open handles after a failure: the next call opens them again.</summary>
    void Reset();
}
