using System;
using System.Threading.Tasks;

namespace Instrumentor.Sessions.Storage;

/// <summary>
/// A bulk insert in the writer's queue: committed all or nothing, after everything queued before it, and answered
/// with its own result once the transaction holding it commits.
/// </summary>
internal sealed class BulkWrite
{
    internal BulkWrite(SessionBatch batch) => Batch = batch;

    internal SessionBatch Batch { get; }

    internal TaskCompletionSource<WriteResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What the transaction that holds it stored (valid once it commits).</summary>
    internal WriteResult Result { get; set; }

    /// <summary>Why the store refused it as a whole (its content), or <see langword="null"/>.</summary>
    internal Exception? Failure { get; set; }
}
