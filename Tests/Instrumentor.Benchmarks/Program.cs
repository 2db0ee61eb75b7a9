using System;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Instrumentor.Benchmarks;

/// <summary>
/// BenchmarkDotNet suite of Instrumentor (docs/benchmarks.md). Any BDN arguments work (<c>--filter</c>, <c>--job</c>);
/// <c>--throughput</c> instead runs the end-to-end SQLite throughput measurement, <c>--store-queries</c> the view SQL
/// on a 10,000,000-span store, <c>--collector-load</c> the ingest of a real collector over HTTP (<c>--postgres</c>: into PostgreSQL),
/// <c>--collector-queries</c> its query API on 1M spans, <c>--postgres-queries</c> the query API of <c>serve --postgres</c>
/// on 1,000,000 spans, <c>--export</c> the streaming exporter's latency and throughput against a real collector (none is
/// a BDN benchmark).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--throughput")
        {
            return Throughput.ThroughputRun.Execute(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "--store-queries")
        {
            return Throughput.StoreQueryRun.Execute(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "--alert-rule")
        {
            return Collector.AlertRuleRun.Execute(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "--postgres-queries")
        {
            return Collector.PostgresQueryRun.ExecuteAsync(args.AsSpan(1).ToArray()).GetAwaiter().GetResult();
        }

        if (args.Length > 0 && args[0] == "--collector-queries")
        {
            return Collector.CollectorQueryRun.ExecuteAsync(args.AsSpan(1).ToArray()).GetAwaiter().GetResult();
        }

        if (args.Length > 0 && args[0] == "--export")
        {
            return Export.ExportRun.ExecuteAsync(args.AsSpan(1).ToArray()).GetAwaiter().GetResult();
        }

        if (args.Length > 0 && args[0] == "--collector-load")
        {
            return Collector.CollectorLoadRun.ExecuteAsync(args.AsSpan(1).ToArray()).GetAwaiter().GetResult();
        }

        // Min and Median next to Mean: on a shared 2-core machine, preemption only ever adds time, so the minimum of
        // many short iterations is the most repeatable estimate of a cost, and the median the typical one.
        IConfig config = DefaultConfig.Instance.AddColumn(StatisticColumn.Min, StatisticColumn.Median);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}
