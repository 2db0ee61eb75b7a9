using System.Collections.Generic;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Instrumentor.Benchmarks.Infrastructure;
using Instrumentor.Benchmarks.Targets;

namespace Instrumentor.Benchmarks.Benchmarks;

/// <summary>
/// Async wrappers (a task completed at once, a task completed later) and captures by reference, by count and
/// masked. Each category has its untraced twin as baseline, so the ratio column is the tracing cost; the sync category
/// is the reference the async costs are compared with.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AsyncAndArgumentBenchmarks
{
    private const string Sync = "int, sync (the reference of the async rows)";
    private const string Completed = "Task<int> completed";
    private const string Yielding = "Task<int> await Task.Yield()";
    private const string AwaitCompleted = "async Task<int> completed";
    private const string ValueCompleted = "ValueTask<int> completed";
    private const string Iterator = "IEnumerable<int>, per item of 100";
    private const string AsyncIterator = "IAsyncEnumerable<int>, per item of 100";
    private const int Items = 100;
    private const string StringArg = "string argument";
    private const string ListArg = "List<int> argument";
    private const string MaskedArg = "masked argument";
    private const string RecordArg = "4-property record argument";

    private readonly List<int> _items = new() { 1, 2, 3 };
    private readonly string _text = "The quick brown fox jumps over the lazy dog";
    private readonly string _user = "alice";
    private readonly string _password = "correct horse battery staple";
    private readonly Quote _quote = new(7, "apple", 3, 1.25m);
    private readonly int _a = 3;
    private readonly int _b = 4;

    [GlobalSetup]
    public void Setup() => InstrumentorPipeline.StartWithNoopSink();

    [GlobalCleanup]
    public void Cleanup() => InstrumentorPipeline.Report("async and arguments");

    /// <summary>
    /// The sync call of the same shape (two ints in, one out), so that the cost an async row adds over its twin can be
    /// set against the cost a sync call adds over its own, in one run.
    /// </summary>
    [BenchmarkCategory(Sync), Benchmark(Baseline = true)]
    public int SyncDirect() => Calculator.Add(_a, _b);

    [BenchmarkCategory(Sync), Benchmark]
    public int SyncMonitored() => Calculator.AddSampled(_a, _b);

    [BenchmarkCategory(Completed), Benchmark(Baseline = true)]
    public async Task<int> CompletedDirect() => await AsyncCalculator.AddCompleted(_a, _b).ConfigureAwait(false);

    [BenchmarkCategory(Completed), Benchmark]
    public async Task<int> CompletedMonitored() => await AsyncCalculator.AddCompletedMonitored(_a, _b).ConfigureAwait(false);

    [BenchmarkCategory(Yielding), Benchmark(Baseline = true)]
    public async Task<int> YieldingDirect() => await AsyncCalculator.AddYielding(_a, _b).ConfigureAwait(false);

    [BenchmarkCategory(Yielding), Benchmark]
    public async Task<int> YieldingMonitored() => await AsyncCalculator.AddYieldingMonitored(_a, _b).ConfigureAwait(false);

    [BenchmarkCategory(AwaitCompleted), Benchmark(Baseline = true)]
    public async Task<int> AwaitCompletedDirect() => await AsyncCalculator.AddAwaitCompleted(_a, _b).ConfigureAwait(false);

    [BenchmarkCategory(AwaitCompleted), Benchmark]
    public async Task<int> AwaitCompletedMonitored() => await AsyncCalculator.AddAwaitCompletedMonitored(_a, _b).ConfigureAwait(false);

    [BenchmarkCategory(ValueCompleted), Benchmark(Baseline = true)]
    public async ValueTask<int> ValueCompletedDirect() => await AsyncCalculator.AddValueCompleted(_a, _b).ConfigureAwait(false);

    [BenchmarkCategory(ValueCompleted), Benchmark]
    public async ValueTask<int> ValueCompletedMonitored() => await AsyncCalculator.AddValueCompletedMonitored(_a, _b).ConfigureAwait(false);

    /// <summary>A whole enumeration of 100 items; BDN divides by <see cref="Items"/>, so the row is the cost per item (the span's start and end spread over them).</summary>
    [BenchmarkCategory(Iterator), Benchmark(Baseline = true, OperationsPerInvoke = Items)]
    public int IteratorDirect() => Sum(SequenceTargets.Range(Items));

    [BenchmarkCategory(Iterator), Benchmark(OperationsPerInvoke = Items)]
    public int IteratorMonitored() => Sum(SequenceTargets.RangeMonitored(Items));

    [BenchmarkCategory(AsyncIterator), Benchmark(Baseline = true, OperationsPerInvoke = Items)]
    public Task<int> AsyncIteratorDirect() => SumAsync(SequenceTargets.RangeAsync(Items));

    [BenchmarkCategory(AsyncIterator), Benchmark(OperationsPerInvoke = Items)]
    public Task<int> AsyncIteratorMonitored() => SumAsync(SequenceTargets.RangeAsyncMonitored(Items));

    [BenchmarkCategory(StringArg), Benchmark(Baseline = true)]
    public int StringDirect() => ArgumentTargets.Length(_text);

    [BenchmarkCategory(StringArg), Benchmark]
    public int StringMonitored() => ArgumentTargets.LengthMonitored(_text);

    [BenchmarkCategory(ListArg), Benchmark(Baseline = true)]
    public int ListDirect() => ArgumentTargets.Count(_items);

    [BenchmarkCategory(ListArg), Benchmark]
    public int ListMonitored() => ArgumentTargets.CountMonitored(_items);

    [BenchmarkCategory(MaskedArg), Benchmark(Baseline = true)]
    public bool MaskedDirect() => ArgumentTargets.Login(_user, _password);

    [BenchmarkCategory(MaskedArg), Benchmark]
    public bool MaskedMonitored() => ArgumentTargets.LoginMonitored(_user, _password);

    [BenchmarkCategory(RecordArg), Benchmark(Baseline = true)]
    public decimal RecordDirect() => ArgumentTargets.Total(_quote);

    [BenchmarkCategory(RecordArg), Benchmark]
    public decimal RecordSummaryMonitored() => ArgumentTargets.TotalMonitored(_quote);

    [BenchmarkCategory(RecordArg), Benchmark]
    public decimal RecordTypeNameMonitored() => ArgumentTargets.TotalMonitoredTypeName(_quote);

    private static int Sum(IEnumerable<int> items)
    {
        int sum = 0;
        foreach (int item in items)
        {
            sum += item;
        }

        return sum;
    }

    private static async Task<int> SumAsync(IAsyncEnumerable<int> items)
    {
        int sum = 0;
        await foreach (int item in items.ConfigureAwait(false))
        {
            sum += item;
        }

        return sum;
    }
}
