using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Instrumentor.Runtime;

namespace Instrumentor.Benchmarks.Benchmarks;

/// <summary>
/// One writer transaction: <c>SqliteSpanSink.Write</c> of a batch of spans (2 int arguments + int result each, the
/// shape of the caller-overhead target) into a temp file in WAL mode. 100 is the writer's starting batch size and
/// 5,000 its largest (reached under pressure).
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
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        var random = new Random(1);
        for (int i = 0; i < BatchSize; i++)
        {
            ref SpanRecord record = ref _batch[i];
            record.Site = s_site;
            record.TraceHigh = (ulong)random.NextInt64();
            record.TraceLow = (ulong)random.NextInt64();
            record.SpanId = (ulong)random.NextInt64();
            record.StartTimestamp = now + i;
            record.EndTimestamp = now + i + 150;
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
    public void WriteBatch() => _sink!.Write(_batch);
}
