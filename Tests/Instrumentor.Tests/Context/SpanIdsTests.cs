namespace Instrumentor.Tests.Context;

public class SpanIdsTests
{
    [TestCase(1UL)]
    [TestCase(0x00f067aa0ba902b7UL)]
    [TestCase(0x8000000000000000UL)]
    [TestCase(ulong.MaxValue)]
    public void KeyOf_gives_the_key_whose_id_it_is_so_a_span_can_carry_an_activity_span_id(ulong spanId)
    {
        SpanIds.SpanIdOf(SpanIds.KeyOf(spanId)).ShouldBe(spanId);
    }

    [Test]
    public void A_key_of_zero_still_gives_a_valid_span_id()
    {
        SpanIds.SpanIdOf(0).ShouldNotBe(0UL, "zero means no span in W3C");
    }

    [Test]
    public void Span_ids_drawn_on_one_thread_ascend_so_the_store_index_takes_them_at_one_point()
    {
        // A fresh thread: its counter is seeded from the OS; the next 10,000 ids must be one ascending run.
        var ids = new ulong[10_000];
        var thread = new System.Threading.Thread(() =>
        {
            for (int i = 0; i < ids.Length; i++)
            {
                ids[i] = SpanIds.NewSpanId();
            }
        });
        thread.Start();
        thread.Join();

        for (int i = 1; i < ids.Length; i++)
        {
            if (ids[i - 1] == ulong.MaxValue)
            {
                continue; // the counter wrapped (one chance in about 2^50 for this run)
            }

            ids[i].ShouldBeGreaterThan(ids[i - 1]);
        }
    }

    [Test]
    public void Two_threads_start_their_runs_far_apart()
    {
        ulong First()
        {
            ulong id = 0;
            var thread = new System.Threading.Thread(() => id = SpanIds.NewSpanId());
            thread.Start();
            thread.Join();
            return id;
        }

        ulong a = First(), b = First();
        ulong gap = a > b ? a - b : b - a;
        gap.ShouldBeGreaterThan(1UL << 32, "random 64-bit starts; runs of billions of spans would not meet");
    }

    [Test]
    public void Trace_ids_of_consecutive_roots_share_no_low_half_and_start_with_the_time()
    {
        long now = SpanClock.Now();
        SpanIds.NewTraceId(41, now, out ulong high1, out ulong low1);
        SpanIds.NewTraceId(42, now, out ulong high2, out ulong low2);
        low1.ShouldNotBe(low2);
        (high1 >> 16).ShouldBe(high2 >> 16, "the same millisecond");
        long unixMs = TimestampClock.ToUnixMicroseconds(now) / 1000;
        ((long)(high1 >> 16)).ShouldBeInRange(unixMs - 1, unixMs + 1, "the root's start in Unix ms (integer path, may round the other way)");
        (high1 & 0xFFFF).ShouldNotBe(high2 & 0xFFFF, "the 16 bits after the time come from the key");
    }
}
