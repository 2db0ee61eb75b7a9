using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Instrumentor.Benchmarks.Generator;

/// <summary>BenchmarkDotNet entry point of the generator benchmarks (docs/benchmarks.md).</summary>
internal static class Program
{
    private static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
            .Run(args, DefaultConfig.Instance.AddColumn(StatisticColumn.Min, StatisticColumn.Median));
}
