namespace Instrumentor.Tests.Context;

public class SpanIdsTests
{
    [TestCase(1UL)]
    [TestCase(0x00f067aa0ba902b7UL)]
    [TestCase(0x8000000000000000UL)]
    [TestCase(ulong.MaxValue)]
    public void KeyOf_inverts_the_mix_so_a_span_can_carry_an_activity_span_id(ulong spanId)
    {
        SpanIds.SpanIdOf(SpanIds.KeyOf(spanId)).ShouldBe(spanId);
    }

    [Test]
    public void KeyOf_gives_back_the_key_of_any_drawn_id()
    {
        ulong key = 0x1234_5678_9abc_def0;
        for (int i = 0; i < 10_000; i++)
        {
            key += SpanIds.Gamma;
            SpanIds.KeyOf(SpanIds.Mix(key)).ShouldBe(key);
        }
    }
}
