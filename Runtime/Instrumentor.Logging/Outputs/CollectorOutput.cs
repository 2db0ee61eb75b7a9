using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Logging;

/// <summary>
/// Ships batches to the collector. A batch that cannot be delivered (after the retries, or at once while the circuit
/// is open) goes to the <see cref="FallbackSpool"/> with its batch id; the spool is replayed, oldest first, at the
/// next tick once the circuit lets requests through, and before any new batch, so lines keep their order and a
/// down collector is not hammered. Nothing is lost (the spool is on disk), nothing is stored twice (batch ids).
/// A batch the collector refuses as bad (a 4xx other than 408/429/401/403) is set aside in the rejected file.
/// The same output sends OTLP (<c>otlp</c>: <see cref="InstrumentorLoggerOptions.OtlpEndpoint"/>, protobuf to
/// <c>/v1/logs</c>, <see cref="OtlpLogEncoder"/>) with a fallback file of its own, so an OpenTelemetry Collector that is
/// down loses nothing either.
/// </summary>
internal sealed class CollectorOutput : ILogOutput
{
    private readonly LogSender _sender;
    private readonly FallbackSpool _spool;
    private readonly string _rejectedPath;
    private readonly LoggingCounters _counters;
    private readonly TimeSpan _replayEvery;
    private readonly OtlpLogEncoder? _otlp;
    private DateTime _nextReplay = DateTime.MinValue;

    /// <param name="options">The endpoint, resilience and fallback settings.</param>
    /// <param name="counters">Where deliveries, fallbacks and rejections are counted.</param>
    /// <param name="otlp">Send OTLP protobuf to the OTLP endpoint instead of JSON to the collector's <c>/api/ingest</c>.</param>
    /// <param name="service">The service of lines that name none (OTLP's <c>service.name</c>).</param>
    internal CollectorOutput(InstrumentorLoggerOptions options, LoggingCounters counters, bool otlp = false, string? service = null)
    {
        _sender = new LogSender(options, otlp: otlp);
        _otlp = otlp ? new OtlpLogEncoder(service) : null;
        string fallback = options.FallbackPath ?? "instrumentor-logs.pending.jsonl";
        _spool = new FallbackSpool(otlp ? Path.ChangeExtension(fallback, ".otlp.jsonl") : fallback, binary: otlp);
        _rejectedPath = Path.ChangeExtension(_spool.FilePath, ".rejected.jsonl");
        _counters = counters;
        _replayEvery = options.Interval;
    }

    /// <summary>Lines waiting in the fallback file.</summary>
    internal long PendingLines => _spool.PendingLines;

    public async Task WriteAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
    {
        byte[] body = _otlp?.Encode(batch) ?? LogSender.Body(batch);
        string batchId = Guid.CreateVersion7().ToString("N");
        if (_spool.HasPending && !await ReplayAsync(force: false, cancellationToken).ConfigureAwait(false))
        {
            // Older batches still wait: this one queues behind them.
            Spool(batchId, batch.Count, body);
            return;
        }

        SendOutcome outcome = await _sender.SendAsync(body, batchId, batch.Count, cancellationToken).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case SendStatus.Delivered:
                Count(outcome.Result, replayed: false);
                break;
            case SendStatus.Failed:
                SelfDiagnostics.Warning($"Instrumentor.Logging: {outcome.Error}; {batch.Count} line(s) kept in {_spool.FilePath} for replay");
                Spool(batchId, batch.Count, body);
                break;
            default:
                SetAside(batchId, batch.Count, body, outcome.Error);
                break;
        }
    }

    public async Task TickAsync(bool flushing, CancellationToken cancellationToken)
    {
        if (_spool.HasPending)
        {
            await ReplayAsync(force: flushing, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends the spooled batches oldest first, stopping at the first that fails; true when the spool is empty
    /// afterwards. Tried at most once an interval (unless <paramref name="force"/>: a flush), so an outage costs one
    /// attempt an interval, not one a batch; while the circuit is open that attempt fails at once, without a request
    /// (Polly moves an open circuit to half-open only when asked to run something after the break).
    /// </summary>
    private async Task<bool> ReplayAsync(bool force, CancellationToken cancellationToken)
    {
        if (!force && DateTime.UtcNow < _nextReplay)
        {
            return false;
        }

        _nextReplay = DateTime.UtcNow + _replayEvery;
        int delivered = -1;
        bool all = true;
        foreach ((SpooledBatch batch, int line) in _spool.Read())
        {
            SendOutcome outcome = await _sender.SendAsync(batch.Body, batch.BatchId, batch.Lines, cancellationToken).ConfigureAwait(false);
            if (outcome.Status == SendStatus.Failed)
            {
                all = false;
                break;
            }

            if (outcome.Status == SendStatus.Delivered)
            {
                Count(outcome.Result, replayed: true);
            }
            else
            {
                SetAside(batch.BatchId, batch.Lines, batch.Body, outcome.Error);
            }

            delivered = line;
        }

        if (delivered >= 0)
        {
            _spool.DropThrough(delivered);
        }

        return all;
    }

    private void Count(LogIngestResult result, bool replayed)
    {
        Interlocked.Add(ref _counters.Delivered, result.Ingested);
        Interlocked.Add(ref _counters.Duplicates, result.Duplicates);
        if (replayed)
        {
            Interlocked.Add(ref _counters.Replayed, result.Ingested + result.Duplicates);
        }
    }

    private void Spool(string batchId, int lines, byte[] body)
    {
        _spool.Append(batchId, lines, body);
        Interlocked.Add(ref _counters.FellBack, lines);
    }

    private void SetAside(string batchId, int lines, byte[] body, string? error)
    {
        SelfDiagnostics.Error($"Instrumentor.Logging: {error}; {lines} line(s) set aside in {_rejectedPath}");
        new FallbackSpool(_rejectedPath, binary: _otlp is not null).Append(batchId, lines, body);
        Interlocked.Add(ref _counters.Rejected, lines);
    }

    public ValueTask DisposeAsync()
    {
        _sender.Dispose();
        return ValueTask.CompletedTask;
    }
}
