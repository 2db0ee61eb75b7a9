using System;
using Instrumentor.Runtime;

namespace Instrumentor.Tests.Capture;

public class CapturedValueFormatterTests
{
    [Test]
    public void Values_are_formatted_invariantly()
    {
        Format(CapturedValue.FromInt64(-42)).ShouldBe("-42");
        Format(CapturedValue.FromUInt64(ulong.MaxValue)).ShouldBe("18446744073709551615");
        Format(CapturedValue.FromDouble(1.5)).ShouldBe("1.5");
        Format(CapturedValue.FromDecimal(12.345m)).ShouldBe("12.345");
        Format(CapturedValue.FromBoolean(true)).ShouldBe("true");
        Format(CapturedValue.FromChar('x')).ShouldBe("x");
        var guid = Guid.Parse("01234567-89ab-cdef-0123-456789abcdef");
        Format(CapturedValue.FromGuid(guid)).ShouldBe("01234567-89ab-cdef-0123-456789abcdef");
        Format(CapturedValue.FromDateTime(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc))).ShouldBe("2026-01-02T03:04:05.0000000Z");
        Format(CapturedValue.FromTimeSpan(TimeSpan.FromSeconds(90))).ShouldBe("00:01:30");
        Format(CapturedValue.FromString(null)).ShouldBeNull();
        Format(CapturedValue.Masked).ShouldBe("***");
        Format(CapturedValue.FromCount("List<int>", 3)).ShouldBe("[List<int> Count=3]");
        Format(CapturedValue.FromLength("int[]", 100)).ShouldBe("[int[] Length=100]");
        Format(CapturedValue.FromError(new InvalidOperationException("nope"))).ShouldBe("<error: nope>");
    }

    [Test]
    public void Strings_are_truncated_to_the_site_max_length()
    {
        CapturedValueFormatter.Format(CapturedValue.FromString(new string('a', 50)), 10).ShouldBe(new string('a', 10) + "…");
        CapturedValueFormatter.Format(CapturedValue.FromString("short"), 10).ShouldBe("short");
    }

    private static string? Format(CapturedValue value) => CapturedValueFormatter.Format(value, 1000);
}
