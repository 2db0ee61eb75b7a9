using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Instrumentor.Logging;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Instrumentor.Benchmarks.Benchmarks;

/// <summary>
/// The cost of one log call on the caller's thread: a <c>LoggerMessage</c>-generated method with 2 arguments, through
/// the Instrumentor provider (line built, span stamped, bounded-buffer write; its worker writes a JSON Lines file in
/// the background), Microsoft's console provider (its own queue; the console is redirected to nothing), and
/// OpenTelemetry's logging provider with its batch export processor (an exporter that drops the batch), same run.
/// </summary>
[MemoryDiagnoser]
public partial class LogCallBenchmarks
{
    private ILoggerFactory _instrumentor = null!;
    private ILoggerFactory _console = null!;
    private ILoggerFactory _openTelemetry = null!;
    private ILogger _instrumentorLogger = null!;
    private ILogger _consoleLogger = null!;
    private ILogger _openTelemetryLogger = null!;
    private string _file = "";
    private int _n;

    [GlobalSetup]
    public void Setup()
    {
        Console.SetOut(TextWriter.Null);
        _file = Path.Combine(Path.GetTempPath(), $"instrumentor-bench-logs-{Guid.NewGuid():N}.jsonl");
        _instrumentor = LoggerFactory.Create(b => b.AddInstrumentor(o => o.FilePath = _file));
        _console = LoggerFactory.Create(b => b.AddConsole());
        _openTelemetry = LoggerFactory.Create(b => b.AddOpenTelemetry(o => o.AddProcessor(new BatchLogRecordExportProcessor(new DroppingExporter()))));
        _instrumentorLogger = _instrumentor.CreateLogger("Bench.Orders");
        _consoleLogger = _console.CreateLogger("Bench.Orders");
        _openTelemetryLogger = _openTelemetry.CreateLogger("Bench.Orders");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _instrumentor.Dispose();
        _console.Dispose();
        _openTelemetry.Dispose();
        File.Delete(_file);
    }

    [Benchmark(Baseline = true)]
    public void Instrumentor() => OrderPriced(_instrumentorLogger, ++_n, 19.5m);

    [Benchmark]
    public void ConsoleProvider() => OrderPriced(_consoleLogger, ++_n, 19.5m);

    [Benchmark]
    public void OpenTelemetryBatch() => OrderPriced(_openTelemetryLogger, ++_n, 19.5m);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "order {OrderId} priced at {Total}")]
    private static partial void OrderPriced(ILogger logger, int orderId, decimal total);

    private sealed class DroppingExporter : BaseExporter<OpenTelemetry.Logs.LogRecord>
    {
        public override ExportResult Export(in Batch<OpenTelemetry.Logs.LogRecord> batch) => ExportResult.Success;
    }
}
