using System.Collections.Generic;
using System.Threading.Tasks;

namespace Instrumentor.Sessions.Storage;

/// <summary>
/// What one drain of the session queue took, committed in one transaction (the span writer's, or the session
/// writer's own): rows, the bulk insert that ended the round if any, and the flushes to complete once it commits.
/// </summary>
internal sealed class SessionRound
{
    /// <summary>Everything taken, in queue order: what goes back to the front of the queue if the transaction rolls back.</summary>
    internal List<object> Items { get; } = new();

    internal SessionBatch Rows { get; } = new();

    internal List<BulkWrite> Bulks { get; } = new();

    internal List<TaskCompletionSource> Flushes { get; } = new();

    /// <summary>Rows the store refused in this round's transaction (set aside once it commits).</summary>
    internal List<RejectedRow> SetAside { get; } = new();

    internal void Add(object item)
    {
        Items.Add(item);
        switch (item)
        {
            case SessionFlush flush: Flushes.Add(flush.Done); break;
            case BulkWrite bulk: Bulks.Add(bulk); break;
            default: Rows.Add(item); break;
        }
    }

    /// <summary>Forgets the outcome of a transaction that rolled back (the items stay, to be tried again).</summary>
    internal void ResetOutcome()
    {
        SetAside.Clear();
        foreach (BulkWrite bulk in Bulks)
        {
            bulk.Failure = null;
            bulk.Result = default;
        }
    }
}
