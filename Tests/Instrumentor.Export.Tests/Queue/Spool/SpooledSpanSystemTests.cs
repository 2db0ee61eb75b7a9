using System;
using System.Buffers;

namespace Instrumentor.Export.Tests.Queue.Spool;

/// <summary>A spilled span keeps its <c>Monitoring.BeginSystem</c> system; records of older spool files still read.</summary>
public sealed class SpooledSpanSystemTests
{
    [Test]
    public void The_system_of_a_scope_survives_the_spool_and_a_record_without_one_reads_as_the_process_own()
    {
        var scoped = new SpooledSpan { Process = "Shop.Pay", SpanId = 7, ScopedSystem = new SystemInfo("tenant-a", "id-a", "inst-a") };
        var plain = new SpooledSpan { Process = "Shop.Pay", SpanId = 8 };

        SpooledSpan readScoped = RoundTrip(scoped);
        SpooledSpan readPlain = RoundTrip(plain);

        readScoped.ScopedSystem.ShouldBe(new SystemInfo("tenant-a", "id-a", "inst-a"));
        readScoped.SpanId.ShouldBe(7UL);
        readPlain.ScopedSystem.ShouldBeNull();
        readPlain.SpanId.ShouldBe(8UL);
        var truncated = new ArrayBufferWriter<byte>();
        scoped.WriteTo(truncated);
        Should.Throw<FormatException>(() => SpooledSpan.ReadFrom(truncated.WrittenSpan[..^3]));
    }

    private static SpooledSpan RoundTrip(SpooledSpan span)
    {
        var buffer = new ArrayBufferWriter<byte>();
        span.WriteTo(buffer);
        return SpooledSpan.ReadFrom(buffer.WrittenSpan);
    }
}
