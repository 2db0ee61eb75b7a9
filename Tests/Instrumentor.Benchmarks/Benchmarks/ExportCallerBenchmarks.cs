using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Instrumentor.Benchmarks.Infrastructure;
using Instrumentor.Benchmarks.Targets;
using Instrumentor.Export;

namespace Instrumentor.Benchmarks.Benchmarks;

/// <summary>
/// Issue 14, point 5: the caller's cost of <c>int Add(int a, int b)</c> with and without a streaming exporter, in one
/// run. Both use the caller benchmark's pipeline (the real writer thread, a sink that only counts, so the loop's
/// ~10 million calls a second never overflow); the exporting one also runs a real Instant <see cref="HttpExporter"/>
/// that the writer notifies after every commit (two interlocked adds and a semaphore release) and whose own thread
/// wakes each time and reads its outbox, as a streaming application's does. Nothing the caller runs differs: the ratio
/// shows what the exporter's work beside it costs the caller (on 2 cores it competes for the CPU).
/// </summary>
[MemoryDiagnoser]
public class ExportCallerBenchmarks
{
    private int _a = 3;
    private int _b = 4;
    private string? _directory;
    private HttpExporter? _exporter;

    [GlobalSetup(Target = nameof(InstrumentorSampled))]
    public void SetupPlain() => InstrumentorPipeline.StartWithNoopSink();

    [GlobalCleanup(Target = nameof(InstrumentorSampled))]
    public void CleanupPlain() => InstrumentorPipeline.Report("caller, no exporter");

    [GlobalSetup(Target = nameof(InstrumentorSampledWithExporter))]
    public void SetupExporter()
    {
        _directory = Path.Combine(Path.GetTempPath(), "instrumentor-export-caller-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var options = new HttpExporterOptions
        {
            // Nothing listens there: the exporter has nothing to send (the counting sink stores nothing), it only runs.
            Endpoint = new Uri("http://127.0.0.1:9/"),
            Mode = ExportMode.Instant,
            Name = "bench",
        };
        _exporter = new HttpExporter(options, Path.Combine(_directory, "outbox.db"), ProcessSystemInfo.For("bench"));
        InstrumentorPipeline.StartWithNoopSink(_exporter);
    }

    [GlobalCleanup(Target = nameof(InstrumentorSampledWithExporter))]
    public void CleanupExporter()
    {
        Console.WriteLine($"// exporter cursor={_exporter!.Cursor} sent={_exporter.Counters.Sent}");
        InstrumentorPipeline.Report("caller, with an Instant exporter");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory!, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The untraced call.</summary>
    [Benchmark(Baseline = true)]
    public int DirectCall() => Calculator.Add(_a, _b);

    /// <summary>[Monitor], sampled, no exporter (the caller benchmark's InstrumentorSampled).</summary>
    [Benchmark]
    public int InstrumentorSampled() => Calculator.AddSampled(_a, _b);

    /// <summary>The same call with an Instant exporter notified after each commit.</summary>
    [Benchmark]
    public int InstrumentorSampledWithExporter() => Calculator.AddSampled(_a, _b);
}
