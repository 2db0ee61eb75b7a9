namespace Instrumentor;

/// <summary>What happens to a normal (non-error) record when the bounded queue is full. Errors are never dropped.</summary>
public enum OverflowPolicy
{
    /// <summary>
    /// Default, zero loss: the record goes to an in-memory overflow queue, and past its capacity a background
    /// thread spills the oldest records to a local spool file that the writer replays. Only past the spool's size
    /// limit are records dropped, each one counted.
    /// </summary>
    Spill = 0,

    /// <summary>The record is dropped and counted in <see cref="MonitoringStats.Dropped"/>.</summary>
    DropNewest = 1,

    /// <summary>The calling thread waits for room. For tests only: it makes the traced program as slow as the store.</summary>
    Block = 2,
}
