namespace Instrumentor.Logging;

/// <summary>Exact counts of what happened to the lines of one pipeline (read with <c>Interlocked.Read</c> or after a flush).</summary>
internal sealed class LoggingCounters
{
    /// <summary>Lines accepted into the buffer.</summary>
    internal long Received;

    /// <summary>Times a logging thread waited because the buffer was full.</summary>
    internal long Waited;

    /// <summary>Lines the collector stored (its <c>ingested</c>), replays included.</summary>
    internal long Delivered;

    /// <summary>Lines the collector had already stored (a batch id seen before).</summary>
    internal long Duplicates;

    /// <summary>Lines written to the fallback file because the collector could not take them.</summary>
    internal long FellBack;

    /// <summary>Lines sent again from the fallback file and acknowledged.</summary>
    internal long Replayed;

    /// <summary>Lines of batches the collector refused as bad (4xx), set aside in the rejected file.</summary>
    internal long Rejected;

    /// <summary>Lines written to the JSON Lines file output.</summary>
    internal long WrittenToFile;

    /// <summary>Lines written to the local store.</summary>
    internal long WrittenToStore;

    /// <summary>Failures inside the logger (a line that could not be built, an output that threw); never thrown to the app.</summary>
    internal long Errors;
}
