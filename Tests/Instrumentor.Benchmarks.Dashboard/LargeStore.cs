using System;
using System.Collections.Generic;
using Instrumentor.Dashboard.Tests.Infrastructure;

namespace Instrumentor.Benchmarks.Dashboard;

/// <summary>
/// A store shaped like a busy service: traces of 5 spans (a root and 4 children) over 20 processes, 3% of the
/// children failing, start times spread evenly over the last 5 hours (inside the default 6 h retention).
/// </summary>
internal static class LargeStore
{
    public const int SpansPerTrace = 5;
    public const string SearchedCustomer = "customer-4242";

    public static string Process(int index) => $"Shop.Service{index / 4}.Operation{index % 4}";

    public static IEnumerable<TestSpan> Spans(int total, DateTime now)
    {
        var traces = total / SpansPerTrace;
        var span = TimeSpan.FromHours(5);
        for (var t = 0; t < traces; t++)
        {
            var trace = Ids.Trace();
            var root = Ids.Span();
            var start = now - span + span * t / traces;
            var rootProcess = t % 4 * 5;
            yield return new TestSpan(trace, root, null, Process(rootProcess), start, 10 + t % 7,
                Data: [("customer", "INPUT", $"customer-{t % 100_000}"), ("quantity", "INPUT", (t % 13).ToString()), ("result", "OUTPUT", $"{t % 997}.00")]);
            for (var c = 1; c < SpansPerTrace; c++)
            {
                var fails = (t * SpansPerTrace + c) % 33 == 0;
                yield return new TestSpan(trace, Ids.Span(), root, Process(rootProcess + c), start.AddMilliseconds(c), 1 + c * 0.5,
                    Status: fails ? "ERR" : "OK",
                    Exception: fails ? "System.TimeoutException: the downstream call timed out\n   at Shop.Client.Send()" : null,
                    Data: [("id", "INPUT", $"{t}-{c}")]);
            }
        }
    }
}
