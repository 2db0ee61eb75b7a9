using System.Collections.Generic;
using System.Linq;
using Instrumentor.Generator.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Generator.Tests.Capture;

/// <summary>
/// What each <c>ValueSerializer</c> stores for objects, run end to end: generated, compiled, called and recorded.
/// (Json needs the System.Text.Json source generator and is tested in Instrumentor.IntegrationTests.)
/// </summary>
[NonParallelizable]
public class ValueSerializerTests
{
    private const string Types = """
        using System;
        using System.Collections.Generic;
        using Instrumentor;
        namespace App;
        public sealed record Line(string Sku, int Quantity);
        public sealed class Order
        {
            public int Id { get; set; }
            public string Sku { get; set; } = "";
            public List<Line> Lines { get; set; } = new();
            public Line? First => Lines.Count > 0 ? Lines[0] : null;
            public decimal Total { get; set; }
            public DateTime At { get; set; }
            public Guid Key { get; set; }
        }
        public sealed class Account
        {
            public string Owner { get; set; } = "";
            public string Password { get; set; } = "";
            [Sensitive] public string Note { get; set; } = "";
            [NotCaptured] public string Memo { get; set; } = "";
            public string Pin { get; set; } = "";
            public int Broken => throw new InvalidOperationException("getter failed with a secret");
        }
        public struct Point { public int X { get; set; } public int Y { get; set; } public override string ToString() => $"({X}, {Y})"; }
        public sealed record Money(decimal Amount, string Currency);
        public sealed class Empty { }
        """;

    [Test]
    public void Smart_summarizes_public_properties_shallowly_at_call_time()
    {
        string source = Types + """
            public static class Shop
            {
                [Monitor] public static int Place(Order order) { order.Id = 99; return order.Lines.Count; }
                [Monitor] public static Point Move(Point point) => point;
                [Monitor] public static Empty Nothing(Empty empty) => empty;
                [Monitor] public static Order? Missing(Order? order) => order;
            }
            public static class Entry
            {
                public static string Run()
                {
                    var order = new Order { Id = 3, Sku = "apple", Lines = { new Line("a", 1), new Line("b", 2) } };
                    return Shop.Place(order) + ";" + Shop.Move(new Point { X = 1, Y = 2 }) + ";" + (Shop.Nothing(new Empty()) is not null) + ";" + (Shop.Missing(null) is null);
                }
            }
            """;

        IReadOnlyList<RecordedSpan> spans = TracedRun.Run(source, "2;(1, 2);True;True");

        // Read at call time: the method's change of Id comes after the capture.
        spans.Single(s => s.Process == "App.Shop.Place").Inputs["order"].ShouldBe("Order { Id = 3, Sku = apple, Lines = [List<Line> Count=2], First = <Line>, +3 more }");
        spans.Single(s => s.Process == "App.Shop.Move").Inputs["point"].ShouldBe("Point { X = 1, Y = 2 }");
        spans.Single(s => s.Process == "App.Shop.Move").Result.ShouldBe("Point { X = 1, Y = 2 }");
        spans.Single(s => s.Process == "App.Shop.Nothing").Inputs["empty"].ShouldBe("<Empty>");
        spans.Single(s => s.Process == "App.Shop.Missing").Inputs["order"].ShouldBeNull();
    }

    [Test]
    public void Smart_masks_sensitive_properties_leaves_out_not_captured_ones_and_survives_a_throwing_getter()
    {
        string source = Types + """
            public static class Bank
            {
                [Monitor(SensitiveNames = new[] { "pin" })] public static int Open(Account account) => 1;
                [Monitor] public static int OpenDefault(Account account) => 2;
            }
            public static class Entry
            {
                public static string Run()
                {
                    var account = new Account { Owner = "ann", Password = "hunter2", Note = "n0te", Memo = "m3mo", Pin = "1234" };
                    return Bank.Open(account) + ";" + Bank.OpenDefault(account);
                }
            }
            """;

        IReadOnlyList<RecordedSpan> spans = TracedRun.Run(source, "1;2");

        spans.Single(s => s.Process == "App.Bank.Open").Inputs["account"].ShouldBe("Account { Owner = ann, Password = ***, Note = ***, Pin = ***, +1 more }");
        string byDefault = spans.Single(s => s.Process == "App.Bank.OpenDefault").Inputs["account"]!;
        byDefault.ShouldBe("Account { Owner = ann, Password = ***, Note = ***, Pin = 1234, +1 more }");
        byDefault.ShouldNotContain("m3mo");
    }

    [Test]
    public void A_getter_that_throws_is_stored_as_its_exception_type()
    {
        string source = """
            using System;
            using Instrumentor;
            namespace App;
            public sealed class Fragile
            {
                public int Ok => 1;
                public string Bad => throw new InvalidOperationException("secret in message");
            }
            public static class Use { [Monitor] public static int Take(Fragile value) => 7; }
            public static class Entry { public static string Run() => Use.Take(new Fragile()).ToString(); }
            """;

        IReadOnlyList<RecordedSpan> spans = TracedRun.Run(source, "7");

        spans.Single().Inputs["value"].ShouldBe("Fragile { Ok = 1, Bad = <error: InvalidOperationException> }");
    }

    [Test]
    public void Repr_uses_an_overridden_ToString_else_the_summary_and_TypeName_keeps_the_type_name()
    {
        string source = Types + """
            public static class Shapes
            {
                [Monitor(Serializer = ValueSerializer.Repr)] public static Point Repr(Point point, Order order, Money money) => point;
                [Monitor(Serializer = ValueSerializer.TypeName)] public static Point Named(Point point, List<int> ids) => point;
            }
            public static class Entry
            {
                public static string Run()
                {
                    var order = new Order { Id = 5, Sku = "pear" };
                    return Shapes.Repr(new Point { X = 3, Y = 4 }, order, new Money(2.5m, "EUR")) + ";" + Shapes.Named(new Point(), new List<int> { 1 });
                }
            }
            """;

        IReadOnlyList<RecordedSpan> spans = TracedRun.Run(source, "(3, 4);(0, 0)");

        RecordedSpan repr = spans.Single(s => s.Process == "App.Shapes.Repr");
        repr.Inputs["point"].ShouldBe("(3, 4)");
        repr.Result.ShouldBe("(3, 4)");
        repr.Inputs["order"].ShouldStartWith("Order { Id = 5, Sku = pear,");
        repr.Inputs["money"].ShouldBe("Money { Amount = 2.5, Currency = EUR }");
        RecordedSpan named = spans.Single(s => s.Process == "App.Shapes.Named");
        named.Inputs["point"].ShouldBe("<Point>");
        named.Result.ShouldBe("<Point>");
        named.Inputs["ids"].ShouldBe("[List<int> Count=1]");
    }

    [Test]
    public void Repr_does_not_use_a_record_ToString_that_would_print_a_masked_property()
    {
        string source = """
            using Instrumentor;
            namespace App;
            public sealed record Login(string User, string Password);
            public sealed record Tagged(string User, [property: Sensitive] string Note);
            public sealed record Plain(string User, int A, int B, int C, int D);
            public static class Auth
            {
                [Monitor(Serializer = ValueSerializer.Repr)] public static int Check(Login login, Tagged tagged, Plain plain) => 1;
            }
            public static class Entry { public static string Run() => Auth.Check(new Login("ann", "hunter2"), new Tagged("bob", "n0te"), new Plain("cy", 1, 2, 3, 4)).ToString(); }
            """;

        IReadOnlyList<RecordedSpan> spans = TracedRun.Run(source, "1");

        spans.Single().Inputs["login"].ShouldBe("Login { User = ann, Password = *** }");
        spans.Single().Inputs["tagged"].ShouldBe("Tagged { User = bob, Note = *** }");
        // No masked property: the record's own ToString (all five properties, where a summary shows four).
        spans.Single().Inputs["plain"].ShouldBe("Plain { User = cy, A = 1, B = 2, C = 3, D = 4 }");
    }

    [Test]
    public void Return_sensitive_masks_the_result_and_sensitive_names_mask_parameters()
    {
        string source = Types + """
            public static class Cards
            {
                [Monitor(SensitiveNames = new[] { "iban" })]
                [return: Sensitive]
                public static Money Pay(string payerIban, string reference) => new Money(1m, "EUR");
            }
            public static class Entry { public static string Run() => Cards.Pay("DE89-secret", "ref-1").Currency; }
            """;

        IReadOnlyList<RecordedSpan> spans = TracedRun.Run(source, "EUR");

        RecordedSpan pay = spans.Single();
        pay.Inputs["payerIban"].ShouldBe("***");
        pay.Inputs["reference"].ShouldBe("ref-1");
        pay.Result.ShouldBe("***");
    }

    [Test]
    public void A_user_formatter_wins_over_every_serializer()
    {
        string source = Types + """
            public sealed class MoneyFormatter : IValueFormatter<Money> { public string? Format(Money value) => value.Amount + " " + value.Currency; }
            public static class Cash
            {
                [Monitor(Serializer = ValueSerializer.Repr)] public static int Count(Money money) => 1;
                [Monitor] public static int Smart(Money money) => 2;
            }
            public static class Entry { public static string Run() => Cash.Count(new Money(3m, "USD")) + ";" + Cash.Smart(new Money(4m, "GBP")); }
            """;

        IReadOnlyList<RecordedSpan> spans = TracedRun.Run(source, "1;2");

        spans.Single(s => s.Process == "App.Cash.Count").Inputs["money"].ShouldBe("3 USD");
        spans.Single(s => s.Process == "App.Cash.Smart").Inputs["money"].ShouldBe("4 GBP");
    }

    [Test]
    public void MonitorAll_takes_the_serializer_and_sensitive_names()
    {
        string source = """
            using Instrumentor;
            [assembly: MonitorAll(Include = "^Handle", Serializer = ValueSerializer.TypeName, SensitiveNames = new[] { "code" })]
            namespace App;
            public sealed record Request(int Id);
            public static class Api { public static int Handle(Request request, string accessCode) => request.Id; }
            public static class Entry { public static string Run() => Api.Handle(new Request(4), "c0de").ToString(); }
            """;

        IReadOnlyList<RecordedSpan> spans = TracedRun.Run(source, "4");

        spans.Single().Inputs["request"].ShouldBe("<Request>");
        spans.Single().Inputs["accessCode"].ShouldBe("***");
    }

    [Test]
    public void Open_generic_and_framework_types_keep_their_type_name_and_odd_members_are_skipped()
    {
        string source = """
            using System;
            using System.Collections.Generic;
            using Instrumentor;
            namespace App;
            public sealed class Box<T> { public T Value { get; set; } = default!; public int Size => 1; }
            public sealed class Odd
            {
                public static int Shared => 1;
                public int this[int i] => i;
                public int WriteOnly { set { } }
                internal int Hidden => 2;
                public Uri Home { get; set; } = new Uri("https://example.org/");
                [Obsolete] public int Old => 3;
                public int Kept => 4;
            }
            public static class Holder
            {
                [Monitor] public static int Open<T>(Box<T> box) => box.Size;
                [Monitor] public static int Closed(Box<int> box) => box.Size;
                [Monitor] public static int Framework(Uri uri, Version version) => 1;
                [Monitor] public static int Members(Odd odd) => odd.Kept;
            }
            public static class Entry
            {
                public static string Run() =>
                    Holder.Open(new Box<string> { Value = "s" }) + ";" + Holder.Closed(new Box<int> { Value = 5 }) + ";"
                    + Holder.Framework(new Uri("https://example.org/"), new Version(1, 2)) + ";" + Holder.Members(new Odd());
            }
            """;

        IReadOnlyList<RecordedSpan> spans = TracedRun.Run(source, "1;1;1;4");

        spans.Single(s => s.Process == "App.Holder.Open").Inputs["box"].ShouldBe("<Box<T>>");
        spans.Single(s => s.Process == "App.Holder.Closed").Inputs["box"].ShouldBe("Box<int> { Value = 5, Size = 1 }");
        spans.Single(s => s.Process == "App.Holder.Framework").Inputs["uri"].ShouldBe("<Uri>");
        spans.Single(s => s.Process == "App.Holder.Framework").Inputs["version"].ShouldBe("<Version>");
        spans.Single(s => s.Process == "App.Holder.Members").Inputs["odd"].ShouldBe("Odd { Home = <Uri>, Kept = 4 }");
    }
}
