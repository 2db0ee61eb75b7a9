using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Store;
using Instrumentor.Collector.Store.Sqlite;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Store.Sqlite.Rollup;

/// <summary>
/// <c>/api/graph</c> over a long range from the rollups gives the same processes (calls, errors, last call) and the same
/// parent → child edges (calls, last call) as joining every child to its parent: children stored before their parent
/// in the same fold or an earlier one, children stored after their parent, children whose parent is never stored,
/// before and after the fold, after a purge, and over ranges that start and end inside minutes.
/// </summary>
public class RollupGraphTests
{
    private static readonly string[] Children = ["Shop.Stock.Reserve", "Shop.PricingService.PriceOrder", "Shop.Mail.Send"];

    [Test]
    public async Task The_graph_from_the_rollups_matches_the_joined_graph_whatever_order_parents_and_children_arrive_in()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with { RollupInterval = TimeSpan.Zero });
        var queries = (SqliteTraceQueries)collector.Server.Store.Queries;
        queries.RollupMinSpans = 50;
        DateTime end = DateTime.UtcNow.AddMinutes(-10);
        var random = new Random(11);
        var late = new List<string>();
        for (int batch = 0; batch < 12; batch++)
        {
            var events = new List<string>();
            for (int t = 0; t < 60; t++)
            {
                DateTime start = end.AddSeconds(-3 * 3600.0 + (batch * 60 + t) * 15 + random.NextDouble());
                string trace = Events.NewTraceId();
                string root = Events.NewSpanId();
                int shape = (batch * 60 + t) % 5;
                foreach ((string process, int i) in Children.Take(1 + t % 3).Select((p, i) => (p, i)))
                {
                    string child = Events.Event(traceId: trace, parentSpanId: shape == 4 ? Events.NewSpanId() : root, process: process,
                        status: (t + i) % 7 == 0 ? "ERR" : "OK", start: start.AddMilliseconds(1 + i));
                    // Shape 3: the children come with the next batch, after their parent (stored and folded before them).
                    (shape == 3 ? late : events).Add(child);
                }

                string parent = Events.Event(traceId: trace, spanId: root, process: "Shop.Api.Checkout", status: t % 11 == 0 ? "ERR" : "OK", start: start);
                // Shape 2: the parent comes with the next batch, after its children were folded.
                (shape == 2 ? late : events).Add(parent);
            }

            await PostAsync(collector, events);
            Same(queries, end, "children and parents of this batch stored, not folded", requireRollups: batch > 0);
            await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);
            Same(queries, end, "folded, some parents still to come");
            await PostAsync(collector, late);
            late.Clear();
        }

        await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);
        Same(queries, end, "everything folded", complete: true);
        GraphAnswer all = queries.Graph(null, null, useRollups: true, out bool allFromRollups);
        allFromRollups.ShouldBeTrue();
        all.Edges.Select(e => (e.From, e.To)).ShouldBe(Children.Order(StringComparer.Ordinal).Select(c => ("Shop.Api.Checkout", c)));
        collector.Scalar("SELECT count(*) FROM stats_edge_pending").ShouldBeGreaterThan(0, "the children whose parent is never stored wait");

        (await collector.Server.Writer.RunAsync(store => store.PurgeOldest(700), CancellationToken.None)).ShouldBe(700);
        Same(queries, end, "purged", complete: true);
        await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);
        Same(queries, end, "purged and folded", complete: true);
    }

    private static void Same(SqliteTraceQueries queries, DateTime end, string when, bool requireRollups = true, bool complete = false)
    {
        // The whole store, and a range inside it that starts and ends inside minutes (it holds enough folded spans for
        // the rollups only once everything is stored).
        foreach ((DateTime from, DateTime to, bool required) in new[]
        {
            (end.AddHours(-4), end.AddMinutes(30), requireRollups),
            (end.AddHours(-2).AddSeconds(17.3), end.AddMinutes(-40).AddSeconds(-8.9), complete),
        })
        {
            long f = StoreText.ToUnixMicroseconds(new DateTimeOffset(from));
            long t = StoreText.ToUnixMicroseconds(new DateTimeOffset(to));
            GraphAnswer exact = queries.Graph(f, t, useRollups: false, out _);
            GraphAnswer rolled = queries.Graph(f, t, useRollups: true, out bool fromRollups);
            fromRollups.ShouldBe(required || fromRollups, when);
            rolled.Nodes.ShouldBe(exact.Nodes, when);
            rolled.Edges.ShouldBe(exact.Edges, when);
        }
    }

    private static async Task PostAsync(RunningCollector collector, IReadOnlyCollection<string> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", Events.Batch(events));
        ((int)response.StatusCode).ShouldBe(200);
    }
}
