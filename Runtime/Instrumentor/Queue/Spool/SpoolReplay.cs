using System;
using System.Collections.Generic;
using System.Threading;

namespace Instrumentor;

/// <summary>
/// The writer's side of the spool: reads spilled records back into batches and tracks how far they are
/// committed. The checkpoint is committed with the rows, so a crash never replays a record twice; a spool left by
/// an earlier run of the program is replayed at start.
/// </summary>
internal sealed class SpoolReplay
{
    private readonly SpoolFile _spool;
    private readonly SpoolBarriers _barriers;
    private readonly PipelineCounters _counters;
    private readonly string _initialFileId;
    private readonly long _earlierRunEnd;
    private readonly List<SpooledSpan> _read = new();
    private long? _replayOffset;
    private int _pendingCount;
    private int _pendingEarlier;
    private bool _readFailing;

    internal SpoolReplay(SpoolFile spool, SpoolBarriers barriers, PipelineCounters counters)
    {
        _spool = spool;
        _barriers = barriers;
        _counters = counters;
        _initialFileId = spool.FileId;
        _earlierRunEnd = spool.Length;
    }

    /// <summary>The checkpoint to commit with the batch being written, if it holds replayed records.</summary>
    internal SpoolCheckpoint? PendingCheckpoint { get; private set; }

    /// <summary>Whether spilled records wait to be replayed.</summary>
    internal bool HasPending => _spool.HasDataAfter(_replayOffset ?? SpoolFile.HeaderSize);

    /// <summary>Adds replayed records after the <paramref name="count"/> live ones; returns how many.</summary>
    internal int Take(SpanRecord[] batch, int count, int batchSize, ISpanSink? sink)
    {
        PendingCheckpoint = null;
        _pendingCount = 0;
        _pendingEarlier = 0;
        if (sink is null || count >= batchSize)
        {
            return 0;
        }

        try
        {
            _replayOffset ??= sink.ReadCheckpoint(_spool.FileId) ?? SpoolFile.HeaderSize;
            if (!_spool.HasDataAfter(_replayOffset.Value))
            {
                TryReset();
                return 0;
            }

            _read.Clear();
            _spool.Read(_replayOffset.Value, batchSize - count, _read, out long corruptAt);
            if (_read.Count == 0)
            {
                if (corruptAt >= 0)
                {
                    SetAsideCorrupt(corruptAt);
                }

                return 0;
            }

            foreach (SpooledSpan span in _read)
            {
                batch[count + _pendingCount++] = new SpanRecord { Spooled = span };
                if (_spool.FileId == _initialFileId && span.Offset < _earlierRunEnd)
                {
                    _pendingEarlier++;
                }
            }

            PendingCheckpoint = new SpoolCheckpoint(_spool.FileId, _read[^1].NextOffset);
            _readFailing = false;
            return _pendingCount;
        }
        catch (Exception ex)
        {
            if (!_readFailing)
            {
                _readFailing = true;
                SelfDiagnostics.Error($"cannot replay the spool file '{_spool.Path}': {ex.Message} It is kept and retried.");
            }

            return 0;
        }
    }

    /// <summary>Called after the batch committed; returns how many replayed records this run had spilled itself.</summary>
    internal int Committed()
    {
        if (PendingCheckpoint is not { } checkpoint)
        {
            return 0;
        }

        _replayOffset = checkpoint.Offset;
        Interlocked.Add(ref _counters.Replayed, _pendingCount);
        Interlocked.Add(ref _counters.ReplayedFromEarlierRuns, _pendingEarlier);
        int own = _pendingCount - _pendingEarlier;
        PendingCheckpoint = null;
        TryReset();
        return own;
    }

    /// <summary>The batch was not committed (shutdown): its replayed records stay in the spool.</summary>
    internal void Abandoned() => PendingCheckpoint = null;

    /// <summary>A barrier taken off the overflow queue: it waits for everything spilled so far.</summary>
    internal void RegisterBarrier(FlushBarrier barrier) => _barriers.Add(barrier, _spool.FileId, _spool.Length);

    /// <summary>Passes the flush barriers whose spilled records are all committed.</summary>
    internal void PassBarriers()
    {
        if (_replayOffset is long offset)
        {
            _barriers.Passed(_spool.FileId, offset);
        }
    }

    private void TryReset()
    {
        if (_replayOffset is long offset && _spool.TryReset(offset))
        {
            _replayOffset = SpoolFile.HeaderSize;
        }
    }

    private void SetAsideCorrupt(long corruptAt)
    {
        string aside = _spool.SetAsideCorrupt();
        _replayOffset = SpoolFile.HeaderSize;
        SelfDiagnostics.Error(
            $"the spool file is corrupt at offset {corruptAt}: records before it were written; it was moved to '{aside}' " +
            "for inspection and a new spool was started.");
    }
}
