namespace Instrumentor.Generator.Tests.Infrastructure;

/// <summary>Every call shape of DESIGN.md §3 that the generator wraps, and an entry point that calls them.</summary>
internal static class ShapesSample
{
    public const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Instrumentor;

        namespace Shapes;

        public enum Color { Red, Green = 5 }

        public sealed class Point { public int X; }

        public sealed class PointFormatter : IValueFormatter<Point>
        {
            public string? Format(Point value) => "P(" + value.X + ")";
        }

        public sealed class Exploding { }

        public sealed class ExplodingFormatter : IValueFormatter<Exploding>
        {
            public string? Format(Exploding value) => throw new InvalidOperationException("kaboom");
        }

        public static class Ext
        {
            [Monitor] public static int Twice(this int x) => x * 2;
        }

        public struct Counter
        {
            public int Value;
            [Monitor] public void Increment(int by) => Value += by;
            [Monitor] public readonly int Peek() => Value;
        }

        public class Repo<T> where T : class
        {
            private readonly List<T> _items = new();
            [Monitor] public int Add(T item) { _items.Add(item); return _items.Count; }
        }

        public interface IGreeter
        {
            [Monitor] string Greet(string name);
        }

        public class Greeter : IGreeter
        {
            public virtual string Greet(string name) => "Hello " + name;
        }

        public class LoudGreeter : Greeter
        {
            public override string Greet(string name) => base.Greet(name).ToUpperInvariant();
        }

        public class Cells
        {
            private readonly int[] _cells = new int[3];
            [Monitor] public ref int Cell(int i) => ref _cells[i];
            public int Get(int i) => _cells[i];
        }

        public class Secretive
        {
            [Monitor] private int Hidden(int x) => x + 1;
            public int CallHidden(int x) => Hidden(x);
            [Monitor] protected static int Shielded(int x) => x * 3;
            public int CallShielded(int x) => Shielded(x);
        }

        public static class Generic
        {
            [Monitor] public static T Echo<T>(T value) => value;
            [Monitor] public static TOut Map<TIn, TOut>(TIn value, Func<TIn, TOut> map) where TIn : notnull => map(value);
        }

        [Monitor(ProcessGroup = "captures")]
        public static class Captures
        {
            public static int Paint(Color color, Point point, Exploding boom, Dictionary<string, int> scores, string token, Color? maybe) => 1;

            public static async Task<int> CancelAsync(CancellationToken cancellation)
            {
                await Task.Delay(Timeout.Infinite, cancellation);
                return 1;
            }
        }

        public static class Sequences
        {
            [Monitor]
            public static IEnumerable<int> Range(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    yield return i.Twice();
                }
            }

            [Monitor]
            public static async IAsyncEnumerable<int> RangeAsync(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    await Task.Yield();
                    yield return i;
                }
            }

            [Monitor]
            public static IEnumerable<int> Broken()
            {
                yield return 1;
                throw new InvalidOperationException("mid-sequence");
            }
        }

        public static class Entry
        {
            private static async Task<int> SumAsync()
            {
                int sum = 0;
                await foreach (int value in Sequences.RangeAsync(3))
                {
                    sum += value;
                }

                return sum;
            }

            public static string Run()
            {
                var log = new System.Text.StringBuilder();
                log.Append(3.Twice()).Append(';');
                var counter = new Counter();
                counter.Increment(2);
                counter.Increment(3);
                log.Append(counter.Value).Append(counter.Peek()).Append(';');
                log.Append(new Repo<string>().Add("a")).Append(';');
                IGreeter greeter = new LoudGreeter();
                log.Append(greeter.Greet("x")).Append(';');
                var cells = new Cells();
                cells.Cell(1) = 42;
                log.Append(cells.Get(1)).Append(';');
                var secretive = new Secretive();
                log.Append(secretive.CallHidden(1)).Append(secretive.CallShielded(2)).Append(';');
                log.Append(Generic.Echo(5)).Append(Generic.Echo("s")).Append(Generic.Map(3, v => "#" + v)).Append(';');
                var scores = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2, ["c"] = 3, ["d"] = 4 };
                log.Append(Captures.Paint(Color.Green, new Point { X = 7 }, new Exploding(), scores, "hunter2", null)).Append(';');
                try
                {
                    Captures.CancelAsync(new CancellationToken(canceled: true)).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    log.Append("cancelled;");
                }

                int total = 0;
                foreach (int value in Sequences.Range(3))
                {
                    total += value;
                }

                log.Append(total).Append(';');
                foreach (int value in Sequences.Range(10))
                {
                    if (value >= 2)
                    {
                        log.Append("early;");
                        break;
                    }
                }

                log.Append(Task.Run(SumAsync).Result).Append(';');
                try
                {
                    foreach (int value in Sequences.Broken())
                    {
                        log.Append(value);
                    }
                }
                catch (InvalidOperationException e)
                {
                    log.Append(e.Message).Append(';');
                }

                return log.ToString();
            }
        }
        """;

    public const string ExpectedLog = "6;55;1;HELLO X;42;26;5s#3;1;cancelled;6;early;3;1mid-sequence;";
}
