using System;
using Instrumentor.Runtime;

namespace Instrumentor.Tests.Capture;

public class ObjectSummaryTests
{
    [Test]
    public void A_summary_lists_its_properties_then_how_many_more()
    {
        var summary = new ObjectSummary("Order", 3);
        summary.Set(0, "Id", CapturedValue.FromInt64(3));
        summary.Set(1, "Sku", CapturedValue.FromString("apple"));
        summary.Set(2, "Lines", CapturedValue.FromCount("List<Line>", 2));
        summary.Set(3, "Card", CapturedValue.Masked);

        Format(summary.ToCaptured()).ShouldBe("Order { Id = 3, Sku = apple, Lines = [List<Line> Count=2], Card = ***, +3 more }");
    }

    [Test]
    public void Null_properties_errors_and_empty_summaries_have_their_own_text()
    {
        var summary = new ObjectSummary("Fragile", 0);
        summary.Set(0, "Name", CapturedValue.FromString(null));
        summary.SetError(1, "Bad", new InvalidOperationException("the secret"));

        Format(summary.ToCaptured()).ShouldBe("Fragile { Name = null, Bad = <error: InvalidOperationException> }");
        Format(new ObjectSummary("Empty", 0).ToCaptured()).ShouldBe("Empty {}");
        Format(new ObjectSummary("Wide", 9).ToCaptured()).ShouldBe("Wide { +9 more }");
    }

    [Test]
    public void A_summary_is_cut_to_the_site_max_length_and_a_fifth_slot_is_refused()
    {
        var summary = new ObjectSummary("Doc", 0);
        summary.Set(0, "Text", CapturedValue.FromString(new string('x', 100)));

        CapturedValueFormatter.Format(summary.ToCaptured(), 20).ShouldBe("Doc { Text = xxxxxxx…");
        Should.Throw<ArgumentOutOfRangeException>(() => summary.Set(ObjectSummary.MaxShown, "Fifth", CapturedValue.Null));
    }

    [Test]
    public void A_serializer_error_keeps_the_exception_type_but_not_its_message()
    {
        Format(CapturedValue.FromSerializerError(new NotSupportedException("value 1234-secret"))).ShouldBe("<error: NotSupportedException>");
    }

    private static string? Format(CapturedValue value) => CapturedValueFormatter.Format(value, 1000);
}
