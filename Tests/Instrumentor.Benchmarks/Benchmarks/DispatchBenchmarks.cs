using BenchmarkDotNet.Attributes;
using Instrumentor.Benchmarks.Infrastructure;
using Instrumentor.Benchmarks.Targets.Dispatch;

namespace Instrumentor.Benchmarks.Benchmarks;

/// <summary>
/// Calls through an interface whose monitored implementation the generator dispatches to (DESIGN.md §3, call shapes):
/// what the receiver type tests cost on the untraced path (a receiver that is not the monitored implementation),
/// against a call through an interface that nothing monitored implements; and a traced call through the interface
/// against the same monitored method called on its class.
/// </summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    // Fields typed as the interfaces, so the JIT cannot see the receiver's type at the call.
    private IPrice _price = new PlainPrice();
    private IQuote _plainQuote = new PlainQuote();
    private IRate _plainRate = new PlainRate();
    private IScore _plainScore = new PlainScore();
    private IQuote _monitoredQuote = new MonitoredQuote();
    private MonitoredQuote _monitoredQuoteByClass = new();
    private int _a = 3;
    private int _b = 4;

    [GlobalSetup(Targets = new[] { nameof(TracedThroughInterface), nameof(TracedOnClass) })]
    public void SetupInstrumentor() => InstrumentorPipeline.StartWithNoopSink();

    [GlobalCleanup(Targets = new[] { nameof(TracedThroughInterface), nameof(TracedOnClass) })]
    public void CleanupInstrumentor() => InstrumentorPipeline.Report("dispatch");

    /// <summary>Not intercepted: no monitored method implements <see cref="IPrice"/>.</summary>
    [Benchmark(Baseline = true)]
    public int InterfaceCall() => _price.Add(_a, _b);

    /// <summary>Intercepted, receiver not monitored; one <c>is</c> test on a sealed class (one method-table compare).</summary>
    [Benchmark]
    public int Untraced_SealedTypeTest() => _plainQuote.Add(_a, _b);

    /// <summary>Intercepted, receiver not monitored; one <c>is</c> test on an unsealed class (the cast helper walks the receiver's bases).</summary>
    [Benchmark]
    public int Untraced_OpenClassTypeTest() => _plainRate.Add(_a, _b);

    /// <summary>Intercepted, receiver not monitored; one exact-type test (<c>GetType() == typeof(T)</c>).</summary>
    [Benchmark]
    public int Untraced_ExactTypeTest() => _plainScore.Add(_a, _b);

    /// <summary>Intercepted, receiver monitored: type test, then the traced wrapper (sampled, 2 args + result).</summary>
    [Benchmark]
    public int TracedThroughInterface() => _monitoredQuote.Add(_a, _b);

    /// <summary>The same monitored method called on its class: the direct wrapper.</summary>
    [Benchmark]
    public int TracedOnClass() => _monitoredQuoteByClass.Add(_a, _b);
}
