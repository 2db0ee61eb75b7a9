using System;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Instrumentor.Benchmarks.Infrastructure;
using Instrumentor.Benchmarks.Targets;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace Instrumentor.Benchmarks.Benchmarks;

/// <summary>
/// DESIGN.md §9, first three budgets: the caller-side cost of tracing <c>int Add(int a, int b)</c> (2 int arguments +
/// int result), against a direct call and the usual alternatives. Each benchmark runs in its own process (BDN's
/// default), and each GlobalSetup builds only what its benchmark needs: no ActivityListener exists while
/// Instrumentor is measured, as in an application without OpenTelemetry.
/// </summary>
[MemoryDiagnoser]
public class CallerOverheadBenchmarks
{
    private const string RawSourceName = "Bench.Raw";
    private const string SdkSourceName = "Bench.Sdk";

    private static readonly ActivitySource s_rawSource = new(RawSourceName);
    private static readonly ActivitySource s_sdkSource = new(SdkSourceName);

    private int _a = 3;
    private int _b = 4;
    private long _calls;
    private ActivityListener? _listener;
    private TracerProvider? _tracerProvider;
    private CountingActivityCollection? _exported;
    private ILoggerFactory? _loggerFactory;
    private FormattingCountingLoggerProvider? _loggerProvider;
    private ILogger? _logger;
    private ManualTracer? _manual;

    [GlobalSetup(Targets = new[] { nameof(InstrumentorSampled), nameof(InstrumentorUnsampled), nameof(InstrumentorSampledFlowing), nameof(InstrumentorUnsampledFlowing) })]
    public void SetupInstrumentor() => InstrumentorPipeline.StartWithNoopSink();

    [GlobalCleanup(Targets = new[] { nameof(InstrumentorSampled), nameof(InstrumentorUnsampled), nameof(InstrumentorSampledFlowing), nameof(InstrumentorUnsampledFlowing) })]
    public void CleanupInstrumentor() => InstrumentorPipeline.Report("caller overhead");

    [GlobalSetup(Target = nameof(InstrumentorSampledBridged))]
    public void SetupBridge()
    {
        InstrumentorPipeline.StartWithNoopSink();
        _exported = new CountingActivityCollection();
        _tracerProvider = Sdk.CreateTracerProviderBuilder()
            .AddSource("Instrumentor")
            .AddProcessor(new BatchActivityExportProcessor(new InMemoryExporter<Activity>(_exported)))
            .Build();
    }

    [GlobalCleanup(Target = nameof(InstrumentorSampledBridged))]
    public void CleanupBridge()
    {
        TracerProvider provider = _tracerProvider!;
        provider.ForceFlush(30_000);
        Console.WriteLine($"// OpenTelemetry bridge: activities exported={_exported!.Exported}");
        provider.Dispose();
        InstrumentorPipeline.Report("caller overhead, bridged");
    }

    [GlobalSetup(Target = nameof(ActivitySourceWithListener))]
    public void SetupActivityListener()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RawSourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [GlobalCleanup(Target = nameof(ActivitySourceWithListener))]
    public void CleanupActivityListener() => _listener?.Dispose();

    [GlobalSetup(Target = nameof(OpenTelemetrySdkBatch))]
    public void SetupOpenTelemetry()
    {
        _exported = new CountingActivityCollection();
        _tracerProvider = Sdk.CreateTracerProviderBuilder()
            .AddSource(SdkSourceName)
            .AddProcessor(new BatchActivityExportProcessor(new InMemoryExporter<Activity>(_exported)))
            .Build();
    }

    [GlobalCleanup(Target = nameof(OpenTelemetrySdkBatch))]
    public void CleanupOpenTelemetry()
    {
        TracerProvider provider = _tracerProvider!;
        provider.ForceFlush(30_000);
        long exported = _exported!.Exported;
        Console.WriteLine(
            $"// OpenTelemetry stats: spans started={_calls} exported={exported} dropped by the batch processor={_calls - exported} " +
            $"({100.0 * (_calls - exported) / Math.Max(1, _calls):F2}%)");
        provider.Dispose();
    }

    [GlobalSetup(Target = nameof(LoggerMessage))]
    public void SetupLogger()
    {
        _loggerProvider = new FormattingCountingLoggerProvider();
        _loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(_loggerProvider));
        _logger = _loggerFactory.CreateLogger("Bench");
    }

    [GlobalCleanup(Target = nameof(LoggerMessage))]
    public void CleanupLogger()
    {
        Console.WriteLine($"// ILogger stats: messages formatted={_loggerProvider!.Messages}");
        _loggerFactory!.Dispose();
    }

    [GlobalSetup(Target = nameof(ManualStopwatchQueue))]
    public void SetupManual() => _manual = new ManualTracer();

    [GlobalCleanup(Target = nameof(ManualStopwatchQueue))]
    public void CleanupManual()
    {
        Console.WriteLine($"// Manual tracer stats: drained={_manual!.Drained} still queued={_manual.Queue.Count}");
        _manual.Dispose();
    }

    /// <summary>The untraced call.</summary>
    [Benchmark(Baseline = true)]
    public int DirectCall() => Calculator.Add(_a, _b);

    /// <summary>[Monitor]: two timestamps, ids, 3 captures, one record into the queue (drained by the writer thread).</summary>
    [Benchmark]
    public int InstrumentorSampled() => Calculator.AddSampled(_a, _b);

    /// <summary>[Monitor(SampleRate = 0)]: context bookkeeping only.</summary>
    [Benchmark]
    public int InstrumentorUnsampled() => Calculator.AddUnsampled(_a, _b);

    /// <summary>
    /// [Monitor] on a body that could start work elsewhere: the flowing wrapper, which also publishes the span in the
    /// ExecutionContext so that tasks, threads and timers started by the call nest under it.
    /// </summary>
    [Benchmark]
    public int InstrumentorSampledFlowing() => Calculator.AddSampledFlowing(_a, _b);

    /// <summary>The flowing wrapper, unsampled.</summary>
    [Benchmark]
    public int InstrumentorUnsampledFlowing() => Calculator.AddUnsampledFlowing(_a, _b);

    /// <summary>
    /// [Monitor], sampled, with an OpenTelemetry SDK pipeline listening to ActivitySource "Instrumentor" (batch
    /// processor, in-memory exporter): the span and its bridge Activity (3 tags: code.namespace, code.function,
    /// 2 arguments).
    /// </summary>
    [Benchmark]
    public int InstrumentorSampledBridged() => Calculator.AddSampled(_a, _b);

    /// <summary>Raw ActivitySource with a listener that records everything, and 3 tags.</summary>
    [Benchmark]
    public int ActivitySourceWithListener()
    {
        int a = _a, b = _b;
        using Activity? activity = s_rawSource.StartActivity("Add");
        activity?.SetTag("a", a);
        activity?.SetTag("b", b);
        int result = Calculator.Add(a, b);
        activity?.SetTag("result", result);
        return result;
    }

    /// <summary>OpenTelemetry SDK: tracer provider, batch export processor, in-memory exporter, 3 tags.</summary>
    [Benchmark]
    public int OpenTelemetrySdkBatch()
    {
        _calls++;
        int a = _a, b = _b;
        using Activity? activity = s_sdkSource.StartActivity("Add");
        activity?.SetTag("a", a);
        activity?.SetTag("b", b);
        int result = Calculator.Add(a, b);
        activity?.SetTag("result", result);
        return result;
    }

    /// <summary>Timing by hand plus a [LoggerMessage] log line, formatted by a real provider.</summary>
    [Benchmark]
    public int LoggerMessage()
    {
        int a = _a, b = _b;
        long start = Stopwatch.GetTimestamp();
        int result = Calculator.Add(a, b);
        BenchmarkLog.AddCalled(_logger!, a, b, result, Stopwatch.GetTimestamp() - start);
        return result;
    }

    /// <summary>Timing by hand plus a struct into a ConcurrentQueue (drained by a background thread).</summary>
    [Benchmark]
    public int ManualStopwatchQueue()
    {
        int a = _a, b = _b;
        long start = Stopwatch.GetTimestamp();
        int result = Calculator.Add(a, b);
        _manual!.Queue.Enqueue(new ManualRecord(start, Stopwatch.GetTimestamp(), a, b, result));
        return result;
    }
}
