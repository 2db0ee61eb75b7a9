using Instrumentor.Generator.Tests.Infrastructure;

namespace Instrumentor.Generator.Tests.Emitter;

public class InterceptorEmitterSnapshotTests
{
    [Test]
    public void Static_sync_method_with_two_int_arguments()
    {
        const string source = """
            using Instrumentor;
            namespace App;
            public static class Calc
            {
                [Monitor] public static int Add(int a, int b) => a + b;
                public static int Use() => Add(1, 2) + Add(3, 4);
            }
            """;

        Snapshot.Verify(GeneratorHarness.Run(source).GeneratedSource!, "StaticSync");
    }

    [Test]
    public void Instance_void_async_and_value_task_methods()
    {
        const string source = """
            using System.Threading.Tasks;
            using Instrumentor;
            namespace App;
            [Monitor(ProcessGroup = "orders", SampleRate = 0.5, MaxLength = 20)]
            public class OrderService
            {
                public void Log(string message) { }
                public async Task<int> CountAsync(string? filter) { await Task.Yield(); return 1; }
                public Task SaveAsync() => Task.CompletedTask;
                public ValueTask<bool> ExistsAsync(long id) => new(true);
                [Monitor(Name = "orders.cancel", CaptureResult = false)]
                public bool Cancel(System.Guid id) => true;
            }
            public static class Use
            {
                public static async Task Run(OrderService s)
                {
                    s.Log("x");
                    await s.CountAsync(null);
                    await s.SaveAsync();
                    await s.ExistsAsync(1);
                    s.Cancel(System.Guid.Empty);
                }
            }
            """;

        Snapshot.Verify(GeneratorHarness.Run(source).GeneratedSource!, "InstanceAndAsync");
    }

    [Test]
    public void Capture_is_chosen_from_the_static_type_and_secrets_are_masked()
    {
        const string source = """
            using System;
            using System.Collections.Generic;
            using Instrumentor;
            namespace App;
            public enum Side { Buy, Sell }
            public sealed class Portfolio { }
            public static class Trading
            {
                [Monitor]
                public static Portfolio Rebalance(Portfolio portfolio, List<int> ids, int[] weights, Side side, DateTime at,
                    int? limit, string apiKey, [Sensitive] string account, [NotCaptured] string note, decimal amount) => portfolio;
                public static void Use() => Rebalance(new Portfolio(), new List<int>(), new int[0], Side.Buy, DateTime.UtcNow, null, "k", "a", "n", 1m);
            }
            """;

        Snapshot.Verify(GeneratorHarness.Run(source).GeneratedSource!, "CaptureKinds");
    }

    [Test]
    public void Object_summaries_and_serializer_helpers()
    {
        const string source = """
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Instrumentor;
            namespace App;
            public sealed record Line(string Sku, int Quantity);
            public record Base { public int Id { get; init; } }
            public sealed record Order(string Sku, [property: Sensitive] string Card, List<Line> Lines, decimal Total) : Base
            {
                [NotCaptured] public string Memo { get; init; } = "";
                public string ApiToken { get; init; } = "";
                public Line? First { get; init; }
            }
            public struct Point { public int X { get; set; } public int Y { get; set; } public override string ToString() => "p"; }
            public static class Shop
            {
                [Monitor(SensitiveNames = new[] { "pin" })] public static Order Place(Order order, string pin) => order;
                [Monitor] public static Task<Point> MoveAsync(Point point) => Task.FromResult(point);
                [Monitor(Serializer = ValueSerializer.Repr)] public static Point Show(Point point) => point;
                [Monitor(Serializer = ValueSerializer.TypeName)] public static int Count(Order order) => 1;
                public static async Task Use()
                {
                    Place(new Order("a", "c", new(), 1m), "1");
                    await MoveAsync(new Point());
                    Show(new Point());
                    Count(new Order("a", "c", new(), 1m));
                }
            }
            """;

        Snapshot.Verify(GeneratorHarness.Run(source).GeneratedSource!, "ObjectSummaries");
    }

    [Test]
    public void Every_call_shape() =>
        Snapshot.Verify(GeneratorHarness.Run(ShapesSample.Source).GeneratedSource!, "AllShapes");
}
