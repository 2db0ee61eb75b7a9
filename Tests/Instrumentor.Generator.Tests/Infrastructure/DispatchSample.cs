namespace Instrumentor.Generator.Tests.Infrastructure;

/// <summary>
/// Calls through interfaces and base types whose monitored methods are the implementations (DESIGN.md §3, call
/// shapes: DI code calls services through interfaces), and an entry point that makes them.
/// </summary>
internal static class DispatchSample
{
    public const string Source = """
        using System.Collections.Generic;
        using System.Text;
        using System.Threading.Tasks;
        using Instrumentor;

        namespace Disp;

        public interface IOrders { Task<int> PlaceAsync(int id, string user); }
        public sealed class Orders : IOrders
        {
            [Monitor] public async Task<int> PlaceAsync(int id, string user) { await Task.Yield(); return id * 2; }
        }
        public sealed class FakeOrders : IOrders { public Task<int> PlaceAsync(int id, string user) => Task.FromResult(-1); }

        public abstract class Shape
        {
            public abstract double Area(double scale);
            public virtual string Name() => "shape";
        }
        public class Square : Shape
        {
            [Monitor] public override double Area(double scale) => 4 * scale;
            [Monitor] public override string Name() => "square";
        }
        public class BigSquare : Square { }
        public class OddSquare : Square { public override double Area(double scale) => 5 * scale; }
        public sealed class Circle : Shape { public override double Area(double scale) => 3 * scale; }

        public interface IClock { long Now(); }
        public sealed class FixedClock : IClock { [Monitor] long IClock.Now() => 42; }

        public interface IRepository<T> { int Add(T item); }
        public sealed class UserRepo : IRepository<string> { [Monitor] public int Add(string user) => user.Length; }
        public class Store<T> : IRepository<T> { [Monitor] public int Add(T item) => 7; }
        public class NameStore : Store<string> { }

        public interface ICounter { int Next(); }
        public struct Counter : ICounter
        {
            private int _n;
            [Monitor] public int Next() => ++_n;
        }

        public interface IGreeter { [Monitor] string Greet(string name); }
        public sealed class Greeter : IGreeter { [Monitor(Name = "greeter.impl")] public string Greet(string name) => "hi " + name; }

        public abstract class Job { public abstract int Run(int x); }
        public class PrintJob : Job { [Monitor] public override int Run(int x) => x + 1; }
        public class LoudJob : PrintJob { }
        public class QuietJob<T> : PrintJob { public override int Run(int x) => x - 1; }

        public static class Entry
        {
            public static string Run() => RunAsync().GetAwaiter().GetResult();

            private static async Task<string> RunAsync()
            {
                var log = new StringBuilder();
                IOrders orders = new Orders();
                log.Append(await orders.PlaceAsync(3, "ann")).Append(';');
                IOrders fake = new FakeOrders();
                log.Append(await fake.PlaceAsync(3, "bob")).Append(';');
                Shape[] shapes = { new Square(), new BigSquare(), new OddSquare(), new Circle() };
                foreach (Shape shape in shapes)
                {
                    log.Append(shape.Area(1)).Append(',');
                }

                log.Append(shapes[0].Name()).Append(';');
                IClock clock = new FixedClock();
                log.Append(clock.Now()).Append(';');
                IRepository<string> repo = new UserRepo();
                log.Append(repo.Add("carol")).Append(';');
                IRepository<string> store = new NameStore();
                log.Append(store.Add("s")).Append(';');
                ICounter counter = new Counter();
                counter.Next();
                log.Append(counter.Next()).Append(';');
                IGreeter greeter = new Greeter();
                log.Append(greeter.Greet("x")).Append(';');
                Job[] jobs = { new PrintJob(), new LoudJob(), new QuietJob<int>() };
                foreach (Job job in jobs)
                {
                    log.Append(job.Run(10)).Append(',');
                }

                return log.ToString();
            }
        }
        """;

    public const string ExpectedLog = "6;-1;4,4,5,3,square;42;5;7;2;hi x;11,11,9,";
}
