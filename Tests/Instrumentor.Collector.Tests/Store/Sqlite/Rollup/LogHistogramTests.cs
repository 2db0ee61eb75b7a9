using System;
using System.Collections.Generic;
using System.Linq;
using Instrumentor.Collector.Store.Sqlite.Rollup;

namespace Instrumentor.Collector.Tests.Store.Sqlite.Rollup;

public class LogHistogramTests
{
    [Test]
    public void Percentiles_are_within_two_percent_of_the_exact_ones_from_microseconds_to_seconds()
    {
        var random = new Random(42);
        // Log-normal durations around 0.5 ms with a long tail, plus a cluster of 2 s calls.
        List<long> durations = Enumerable.Range(0, 50_000)
            .Select(_ => (long)(Math.Exp(13 + 1.5 * Normal(random))))
            .Concat(Enumerable.Repeat(2_000_000_000L, 1_000))
            .ToList();
        var histogram = new LogHistogram();
        foreach (long d in durations)
        {
            histogram.Add(d);
        }

        durations.Sort();
        foreach (double p in (double[])[0.01, 0.5, 0.9, 0.95, 0.99, 0.999])
        {
            double exact = durations[(int)Math.Ceiling(p * durations.Count) - 1] / 1_000_000.0;
            double estimate = histogram.Percentile(p)!.Value;
            Math.Abs(estimate - exact).ShouldBeLessThanOrEqualTo(exact * 0.021, $"p{p * 100}: exact {exact} ms, histogram {estimate} ms");
        }

        histogram.Total.ShouldBe(durations.Count);
    }

    [Test]
    public void An_encoded_histogram_adds_back_to_the_same_counts_and_merges()
    {
        var a = new LogHistogram();
        var b = new LogHistogram();
        foreach (long d in (long[])[0, 1, 999, 1_000, 420_000, 420_001, 5_000_000_000, long.MaxValue])
        {
            a.Add(d);
        }

        b.AddEncoded(a.Encode());
        b.Encode().ShouldBe(a.Encode());
        b.Total.ShouldBe(8);
        b.AddEncoded(a.Encode());
        b.Total.ShouldBe(16);
        b.Percentile(0.0001).ShouldBe(0);
        new LogHistogram().Percentile(0.5).ShouldBeNull();
        new LogHistogram().Encode().ShouldBeEmpty();
    }

    [Test]
    public void A_blob_that_is_not_a_histogram_is_refused()
    {
        Should.Throw<FormatException>(() => new LogHistogram().AddEncoded([0x80]));
        Should.Throw<FormatException>(() => new LogHistogram().AddEncoded([0xFF, 0x7F, 0x01]));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
