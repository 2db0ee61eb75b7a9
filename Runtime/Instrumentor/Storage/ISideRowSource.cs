using Microsoft.Data.Sqlite;

namespace Instrumentor;

/// <summary>
/// Rows of another table family (the session tables of Instrumentor.Sessions) that the span writer commits in the
/// transaction of its own batch, so one process has one writer, one connection and one transaction a batch on its
/// store file. A source registers itself with <see cref="SideRowSources"/>; while a pipeline writes the same file
/// the source is attached to that pipeline's <see cref="SideRowGroup"/> and the writer drains it, otherwise the
/// source writes on its own.
/// </summary>
/// <remarks>
/// Every call but <see cref="HasPending"/> comes from the writer thread. For each <see cref="Stage"/> that returns,
/// exactly one of <see cref="Committed"/> or <see cref="RolledBack"/> follows, before the next <see cref="Stage"/>.
/// </remarks>
internal interface ISideRowSource
{
    /// <summary>The full path of the store file the rows belong to.</summary>
    string StorePath { get; }

    /// <summary>Whether rows wait to be written (read by any thread: keep it cheap).</summary>
    bool HasPending { get; }

    /// <summary>From now on <paramref name="group"/>'s writer drains this source.</summary>
    void Attach(SideRowGroup group);

    /// <summary><paramref name="group"/>'s writer drains this source no more (its pipeline stopped): write on your own.</summary>
    void Detach(SideRowGroup group);

    /// <summary>
    /// Writes pending rows inside <paramref name="transaction"/>. A row the store refuses for its content must be set
    /// aside by the source (never thrown): only a failure of the store itself may throw, after the source took its
    /// rows back (the span batch is then retried with them).
    /// </summary>
    /// <returns>How many queued items (rows, and markers such as flushes) it took: 0 when it could take none now.</returns>
    int Stage(SqliteConnection connection, SqliteTransaction transaction);

    /// <summary>The transaction of the last <see cref="Stage"/> committed. Must not throw.</summary>
    void Committed(SideRowCommit commit);

    /// <summary>The transaction of the last <see cref="Stage"/> rolled back: its rows are pending again. Must not throw.</summary>
    void RolledBack();
}
