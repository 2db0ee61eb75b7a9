using System.Collections.Generic;

namespace Instrumentor;

/// <summary>
/// Flush barriers that the spooler moved to disk along with the records before them: each passes once the
/// replay has committed up to the spool offset where it was met (or the spool generation was replaced).
/// </summary>
internal sealed class SpoolBarriers
{
    private readonly object _lock = new();
    private readonly List<(FlushBarrier Barrier, string FileId, long Offset)> _pending = new();

    internal void Add(FlushBarrier barrier, string fileId, long offset)
    {
        lock (_lock)
        {
            _pending.Add((barrier, fileId, offset));
        }
    }

    /// <summary>Passes every barrier whose records are all committed.</summary>
    internal void Passed(string currentFileId, long replayedUpTo)
    {
        lock (_lock)
        {
            for (int i = _pending.Count - 1; i >= 0; i--)
            {
                var (barrier, fileId, offset) = _pending[i];
                if (fileId != currentFileId || offset <= replayedUpTo)
                {
                    barrier.PathPassed();
                    _pending.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Ends every pending barrier without success.</summary>
    internal void AbandonAll()
    {
        lock (_lock)
        {
            foreach (var pending in _pending)
            {
                pending.Barrier.Abandon();
            }

            _pending.Clear();
        }
    }
}
