using System.Collections.Generic;
using System.Linq;
using Instrumentor.Generator.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Generator.Tests;

/// <summary>Each call shape of DESIGN.md §3: traced, and behaving exactly as without tracing.</summary>
[NonParallelizable]
public class CallShapeTests
{
    private static IReadOnlyList<RecordedSpan>? s_spans;

    [OneTimeSetUp]
    public void RunOnce()
    {
        GeneratorResult result = GeneratorHarness.Run(ShapesSample.Source);
        result.CompilationProblems.ShouldBeEmpty();
        using TracingScope tracing = TracingScope.Start();
        using var sample = SampleAssembly.Load(result.Output);
        sample.Invoke("Shapes.Entry", "Run").ShouldBe(ShapesSample.ExpectedLog);
        s_spans = tracing.Flush();
    }

    [Test]
    public void The_same_code_without_the_generator_behaves_identically()
    {
        using var sample = SampleAssembly.Load(GeneratorHarness.Compile(ShapesSample.Source));
        sample.Invoke("Shapes.Entry", "Run").ShouldBe(ShapesSample.ExpectedLog);
    }

    [Test]
    public void Extension_method() =>
        Spans("Shapes.Ext.Twice").Single(s => s.ParentSpanId is null).Inputs["x"].ShouldBe("3");

    [Test]
    public void An_iterator_span_covers_its_enumeration_and_parents_the_calls_of_its_body()
    {
        RecordedSpan[] ranges = Spans("Shapes.Sequences.Range");
        ranges.Length.ShouldBe(2);
        RecordedSpan full = ranges.Single(r => r.Inputs["count"] == "3");
        full.Result.ShouldStartWith("[3 items, first after ");
        Spans("Shapes.Ext.Twice").Count(t => t.ParentSpanId == full.SpanId).ShouldBe(3);
        ranges.Single(r => r.Inputs["count"] == "10").Result.ShouldStartWith("[2 items", Case.Sensitive, "disposed after two items");
        RecordedSpan broken = Single("Shapes.Sequences.Broken");
        broken.Status.ShouldBe("ERR");
        broken.ExceptionMessage.ShouldBe("mid-sequence");
    }

    [Test]
    public void An_async_iterator_span_covers_its_enumeration() =>
        Single("Shapes.Sequences.RangeAsync").Result.ShouldStartWith("[3 items");

    [Test]
    public void Struct_receiver_mutations_stick()
    {
        Spans("Shapes.Counter.Increment").Select(s => s.Inputs["by"]).ShouldBe(new[] { "2", "3" });
        Single("Shapes.Counter.Peek").Result.ShouldBe("5");
    }

    [Test]
    public void Method_of_a_generic_type() => Single("Shapes.Repo<T>.Add").Inputs["item"].ShouldBe("a");

    [Test]
    public void Interface_call_is_traced_as_the_declared_method_and_dispatches_virtually() =>
        Single("Shapes.IGreeter.Greet").Result.ShouldBe("HELLO X");

    [Test]
    public void Ref_return() => Single("Shapes.Cells.Cell").Result.ShouldBe("0");

    [Test]
    public void Private_and_protected_targets_are_called_through_UnsafeAccessor()
    {
        Single("Shapes.Secretive.Hidden").Result.ShouldBe("2");
        Single("Shapes.Secretive.Shielded").Result.ShouldBe("6");
    }

    [Test]
    public void Generic_methods_open_and_closed()
    {
        Spans("Shapes.Generic.Echo").Select(s => s.Result).ShouldBe(new[] { "5", "s" });
        RecordedSpan map = Single("Shapes.Generic.Map");
        map.Inputs["value"].ShouldBe("3");
        map.Inputs["map"].ShouldBe("<Func<TIn, TOut>>");
        map.Result.ShouldBe("#3");
    }

    [Test]
    public void Compile_time_captures_enum_formatter_dictionary_mask_and_a_throwing_formatter()
    {
        RecordedSpan paint = Single("Shapes.Captures.Paint");
        paint.ProcessGroup.ShouldBe("captures");
        paint.Inputs["color"].ShouldBe("Green");
        paint.Inputs["point"].ShouldBe("P(7)");
        paint.Inputs["boom"].ShouldBe("<error: kaboom>");
        paint.Inputs["scores"].ShouldBe("{a, b, c, +1 more}");
        paint.Inputs["token"].ShouldBe("***");
        paint.Inputs["maybe"].ShouldBeNull();
    }

    [Test]
    public void A_cancelled_task_is_recorded_as_ERR_with_the_OperationCanceledException()
    {
        RecordedSpan cancel = Single("Shapes.Captures.CancelAsync");
        cancel.Status.ShouldBe("ERR");
        cancel.ExceptionType.ShouldBe("System.Threading.Tasks.TaskCanceledException");
        cancel.Inputs.ShouldBeEmpty("a CancellationToken is not captured");
    }

    private static RecordedSpan Single(string process) => Spans(process).ShouldHaveSingleItem();

    private static RecordedSpan[] Spans(string process) => s_spans!.Where(s => s.Process == process).ToArray();
}
