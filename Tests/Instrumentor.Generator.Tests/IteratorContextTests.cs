using System.Collections.Generic;
using System.Linq;
using Instrumentor.Generator.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Generator.Tests;

/// <summary>
/// Each step of a traced enumeration runs the iterator body with the iterator's span current in the async flow. The
/// runtime reuses the context it published at the previous step when the consumer's context is the same; these
/// tests change the context between and inside the steps, where a stale reuse would lose a value or a parent.
/// </summary>
[NonParallelizable]
public class IteratorContextTests
{
    private const string Source = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Instrumentor;
        namespace App;
        public static class Sequences
        {
            public static readonly AsyncLocal<string?> Consumer = new();
            public static readonly AsyncLocal<string?> Body = new();

            [Monitor] public static IEnumerable<string> Items(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    // Reads what the consumer set before this step, and leaves a value of its own behind.
                    string seen = Consumer.Value ?? "-";
                    Body.Value = "b" + i;
                    yield return Child(seen);
                }
            }

            [Monitor] public static async IAsyncEnumerable<string> ItemsAsync(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    await Task.Yield();
                    yield return Child(Consumer.Value ?? "-");
                }
            }

            [Monitor] public static string Child(string value) => "<" + value + ">";
        }
        public static class Entry
        {
            public static string Run()
            {
                var log = new List<string>();
                int step = 0;
                foreach (string item in Sequences.Items(5))
                {
                    // The consumer's context changes on some steps only: steps 0-1 share one, 2 changes it, 3-4 share again.
                    log.Add(item + (Sequences.Body.Value ?? "-"));
                    if (step++ == 1) Sequences.Consumer.Value = "c" + step;
                }

                Sequences.Consumer.Value = null;
                log.Add(Drain().GetAwaiter().GetResult());
                return string.Join(",", log);
            }

            private static async Task<string> Drain()
            {
                var items = new List<string>();
                int step = 0;
                await foreach (string item in Sequences.ItemsAsync(4))
                {
                    items.Add(item);
                    if (step++ == 1) Sequences.Consumer.Value = "a";
                }

                return string.Join("", items);
            }
        }
        """;

    [Test]
    public void Values_set_by_the_consumer_between_steps_and_by_the_body_inside_them_are_seen_as_without_tracing()
    {
        IReadOnlyList<RecordedSpan> spans = TracedRun.Run(Source, "<->b0,<->b1,<c2>b2,<c2>b3,<c2>b4,<-><-><a><a>");

        RecordedSpan items = spans.Single(s => s.Process == "App.Sequences.Items");
        items.Result.ShouldStartWith("[5 items");
        RecordedSpan itemsAsync = spans.Single(s => s.Process == "App.Sequences.ItemsAsync");
        itemsAsync.Result.ShouldStartWith("[4 items");
        RecordedSpan[] children = spans.Where(s => s.Process == "App.Sequences.Child").ToArray();
        children.Count(c => c.ParentSpanId == items.SpanId).ShouldBe(5, "every step, reused context or not, nests under the iterator");
        children.Count(c => c.ParentSpanId == itemsAsync.SpanId).ShouldBe(4);
    }

    [Test]
    public void After_the_enumeration_the_consumer_is_no_longer_inside_the_iterator()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Linq;
            using Instrumentor;
            namespace App;
            public static class Sequences
            {
                [Monitor] public static IEnumerable<int> Items(int count) { for (int i = 0; i < count; i++) yield return Child(i); }
                [Monitor] public static int Child(int i) => i;
                [Monitor] public static int After(int sum) => sum;
            }
            public static class Entry
            {
                public static string Run() => Sequences.After(Sequences.Items(3).Sum()).ToString();
            }
            """;

        IReadOnlyList<RecordedSpan> spans = TracedRun.Run(source, "3");

        RecordedSpan items = spans.Single(s => s.Process == "App.Sequences.Items");
        spans.Where(s => s.Process == "App.Sequences.Child").ShouldAllBe(c => c.ParentSpanId == items.SpanId);
        spans.Single(s => s.Process == "App.Sequences.After").ParentSpanId.ShouldBeNull("the call after the loop is a root, not a child of the finished iterator");
    }
}
