using System;
using BenchmarkDotNet.Running;

namespace Instrumentor.Benchmarks;

/// <summary>
/// BenchmarkDotNet suite of Instrumentor (docs/benchmarks.md). Any BDN arguments work (<c>--filter</c>, <c>--job</c>);
/// <c>--throughput</c> instead runs the end-to-end SQLite throughput measurement (not a BDN benchmark).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--throughput")
        {
            return Throughput.ThroughputRun.Execute(args.AsSpan(1).ToArray());
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
