using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Instrumentor.Runtime;

namespace Instrumentor.Benchmarks.Benchmarks;

/// <summary>
/// One writer transaction: <c>SqliteSpanSink.Write</c> of a batch of spans (2 int arguments + int result each, the
/// shape of the caller-overhead target) into a temp file in WAL mode. 100 is the writer's starting batch size and
/// 5,000 its largest (reached under pressure). Each invocation gives the batch new ids and later timestamps first, as
/// real traffic has (writing the same keys again would insert next to the earlier copies, all over the indexes): that
/// costs about 10 ns a record, under 0.1% of the measured time. The file grows during the run, as a real store does.
/// </summary>
[MemoryDiagnoser]
public class SqliteBatchWriteBenchmarks
{
    private static readonly MonitorSite s_site = new("Instrumentor.Benchmarks.Targets.Calculator.AddSampled", null, new[] { "a", "b" }, 1.0, 1000);

    private string? _directory;
    private SqliteSpanSink? _sink;
    private SpanRecord[]? _batch;

    [Params(100, 5_000)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "instrumentor-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _sink = new SqliteSpanSink(Path.Combine(_directory, "traces.db"), "bench");
        _batch = new SpanRecord[BatchSize];
        for (int i = 0; i < BatchSize; i++)
        {
            ref SpanRecord record = ref _batch[i];
            record.Site = s_site;
            record.ThreadId = 1;
            record.SetArgument(0, CapturedValue.FromInt64(i));
            record.SetArgument(1, CapturedValue.FromInt64(i + 1));
            record.Result = CapturedValue.FromInt64(2 * i + 1);
            record.HasResult = true;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sink!.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory!, recursive: true);
    }

    [Benchmark]
    public void WriteBatch()
    {
        SpanRecord[] batch = _batch!;
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int i = 0; i < batch.Length; i++)
        {
            // Ids as the runtime makes them: trace ids start with the time, so the trace index is append-mostly
            // (random trace ids would dirty its pages all over the file on every commit).
            ref SpanRecord record = ref batch[i];
            SpanIds.NewTraceId(out record.TraceHigh, out record.TraceLow);
            record.SpanId = SpanIds.NewSpanId();
            record.StartTimestamp = now - 150 + i;
            record.EndTimestamp = now + i;
        }

        _sink!.Write(batch, null);
    }
}
