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
    private bool _readFailing;

    internal SpoolReplay(SpoolFile spool, SpoolBarriers barriers, PipelineCounters counters)
    {
        _spool = spool;
        _barriers = barriers;
        _counters = counters;
        _initialFileId = spool.FileId;
        _earlierRunEnd = spool.Length;
    }

    /// <summary>The checkpoint through the last replayed record of the batch being written, if it holds any.</summary>
    internal SpoolCheckpoint? PendingCheckpoint { get; private set; }

    /// <summary>Whether spilled records wait to be replayed.</summary>
    internal bool HasPending => _spool.HasDataAfter(_replayOffset ?? SpoolFile.HeaderSize);

    /// <summary>Adds replayed records after the <paramref name="count"/> live ones; returns how many.</summary>
    internal int Take(SpanRecord[] batch, int count, int batchSize, ISpanSink? sink)
    {
        PendingCheckpoint = null;
        _pendingCount = 0;
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

    /// <summary>The checkpoint that, committed with a part of the batch, marks every replayed record up to <paramref name="last"/> done.</summary>
    internal SpoolCheckpoint Through(SpooledSpan last) => new(_spool.FileId, last.NextOffset);

    /// <summary>
    /// Called once a part of the batch is durable together with its checkpoint: <paramref name="replayed"/> are the
    /// replayed records of that part, <paramref name="checkpoint"/> the offset committed. Returns how many of them
    /// this run had spilled itself (the others were counted by an earlier run).
    /// </summary>
    internal int Committed(ReadOnlySpan<SpanRecord> replayed, SpoolCheckpoint checkpoint)
    {
        _replayOffset = checkpoint.Offset;
        int earlier = 0;
        foreach (ref readonly SpanRecord record in replayed)
        {
            earlier += IsFromEarlierRun(record.Spooled!) ? 1 : 0;
        }

        Interlocked.Add(ref _counters.Replayed, replayed.Length);
        Interlocked.Add(ref _counters.ReplayedFromEarlierRuns, earlier);
        return replayed.Length - earlier;
    }

    /// <summary>Whether a replayed record was spilled by an earlier run of the program (not counted in this run's stats).</summary>
    internal bool IsFromEarlierRun(SpooledSpan span) => _spool.FileId == _initialFileId && span.Offset < _earlierRunEnd;

    /// <summary>After the batch: starts a new spool generation if everything was replayed (may throw: the caller guards it).</summary>
    internal void Finish()
    {
        PendingCheckpoint = null;
        TryReset();
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
