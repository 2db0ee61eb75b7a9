using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Tests.Queue;

public class RecordRingTests
{
    [TestCase(1, 2)]
    [TestCase(10, 16)]
    [TestCase(10_000, 16_384)]
    [TestCase(16_384, 16_384)]
    public void Capacity_is_the_requested_one_rounded_up_to_a_power_of_two(int requested, int expected) =>
        new RecordRing(requested).Capacity.ShouldBe(expected);

    [Test]
    public void Records_come_out_in_order_and_a_full_ring_refuses_without_blocking()
    {
        var ring = new RecordRing(4);
        for (ulong i = 1; i <= 4; i++)
        {
            ring.TryEnqueue(Record(i)).ShouldBe(RecordRing.EnqueueResult.Enqueued);
        }

        ring.TryEnqueue(Record(5)).ShouldBe(RecordRing.EnqueueResult.Full);
        ring.Count.ShouldBe(4);

        ring.TryDequeue(out SpanRecord first).ShouldBeTrue();
        first.SpanId.ShouldBe(1UL);
        ring.TryEnqueue(Record(5)).ShouldBe(RecordRing.EnqueueResult.Enqueued, "a taken slot is free again");
        Drain(ring).ShouldBe(new ulong[] { 2, 3, 4, 5 });
        ring.TryDequeue(out _).ShouldBeFalse();
        ring.Count.ShouldBe(0);
    }

    [Test]
    public void A_closed_ring_refuses_new_records_and_still_gives_the_ones_it_holds()
    {
        var ring = new RecordRing(8);
        ring.TryEnqueue(Record(1));
        ring.TryEnqueue(Record(2));
        ring.Close();

        ring.TryEnqueue(Record(3)).ShouldBe(RecordRing.EnqueueResult.Closed);
        ring.Count.ShouldBe(2);
        ring.TryDequeueClosed(out SpanRecord a, TimeSpan.FromSeconds(1)).ShouldBeTrue();
        ring.TryDequeueClosed(out SpanRecord b, TimeSpan.FromSeconds(1)).ShouldBeTrue();
        ring.TryDequeueClosed(out _, TimeSpan.FromSeconds(1)).ShouldBeFalse();
        (a.SpanId, b.SpanId).ShouldBe((1UL, 2UL));
    }

    [Test]
    public void A_taken_slot_no_longer_holds_the_records_references()
    {
        var ring = new RecordRing(2);
        WeakReference exception = EnqueueFailure(ring);
        TakeAndForget(ring).ShouldBeTrue();

        GC.Collect();
        GC.WaitForPendingFinalizers();
        exception.IsAlive.ShouldBeFalse("the ring must not keep captured objects alive after the writer took them");
    }

    [Test]
    public void Every_field_of_a_record_comes_out_as_it_went_in_and_a_reused_slot_keeps_nothing_of_its_last_lap()
    {
        // A slot reused after a full record must not hand that record's exception, extra arguments, barrier, spooled
        // text, scope, arguments or result to the next one (an enqueue that stored only the references a record has
        // set was measured, docs/benchmarks.md 17e; it relies on the writer clearing each slot it takes).
        var site = new global::Instrumentor.Runtime.MonitorSite("Tests.Ring.Full", null, new[] { "a", "b", "c", "d", "e", "f" }, 1d, 100);
        var full = new SpanRecord
        {
            Site = site, TraceHigh = 1, TraceLow = 2, SpanId = 3, ParentSpanId = 4, StartTimestamp = 5, EndTimestamp = 6,
            Exception = new InvalidOperationException("boom"), ThreadId = 7, Status = SpanStatus.Error, HasResult = true,
            MoreArguments = new[] { global::Instrumentor.Runtime.CapturedValue.FromText("fifth"), global::Instrumentor.Runtime.CapturedValue.FromInt64(6) },
            Result = global::Instrumentor.Runtime.CapturedValue.FromText("result"), Barrier = new FlushBarrier(1),
            Spooled = new SpooledSpan { Process = "p" }, ScopedSystem = new SystemInfo("svc", "id", "instance"),
        };
        for (int i = 0; i < CapturedArguments.Capacity; i++)
        {
            full.SetArgument(i, global::Instrumentor.Runtime.CapturedValue.FromText("argument " + i));
        }

        full.ArgumentCount = 6;
        var bare = new SpanRecord { Site = site, SpanId = 9, StartTimestamp = 10, EndTimestamp = 11, ThreadId = 12 };
        bare.SetArgument(0, global::Instrumentor.Runtime.CapturedValue.FromInt64(42));

        // Three records a round on two slots: each slot holds the full record and the bare one in turn.
        var ring = new RecordRing(2);
        SpanRecord[] order = { full, bare, bare };
        for (int n = 0; n < 12; n++)
        {
            SpanRecord input = order[n % order.Length];
            ring.TryEnqueue(input).ShouldBe(RecordRing.EnqueueResult.Enqueued);
            ring.TryDequeue(out SpanRecord output).ShouldBeTrue();
            Fields(output).ShouldBe(Fields(input), $"record {n}, slot {n % 2}");
        }
    }

    private static object?[] Fields(SpanRecord r)
    {
        var fields = new List<object?>
        {
            r.Site, r.TraceHigh, r.TraceLow, r.SpanId, r.ParentSpanId, r.StartTimestamp, r.EndTimestamp, r.Exception,
            r.ThreadId, r.Status, r.HasResult, r.ArgumentCount, r.MoreArguments, r.Barrier, r.Spooled, r.ScopedSystem,
            r.HasResult ? r.Result : default(global::Instrumentor.Runtime.CapturedValue),
        };
        for (int i = 0; i < CapturedArguments.Capacity; i++)
        {
            fields.Add(r.Arguments[i]);
        }

        return fields.ToArray();
    }

    [Test]
    public void Concurrent_producers_and_one_consumer_lose_and_duplicate_nothing()
    {
        const int Producers = 8;
        const int PerProducer = 200_000;
        var ring = new RecordRing(1024);
        long refused = 0;
        using var start = new Barrier(Producers + 1);
        Task[] producers = Enumerable.Range(0, Producers).Select(p => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < PerProducer; i++)
            {
                // Ids are unique across producers; a full ring is retried, so every record goes in exactly once.
                SpanRecord record = Record((ulong)(p * PerProducer + i + 1));
                while (ring.TryEnqueue(record) == RecordRing.EnqueueResult.Full)
                {
                    Interlocked.Increment(ref refused);
                    Thread.Yield();
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        var seen = new bool[Producers * PerProducer + 1];
        var lastPerProducer = new long[Producers];
        int taken = 0;
        start.SignalAndWait();
        while (taken < Producers * PerProducer)
        {
            if (!ring.TryDequeue(out SpanRecord record))
            {
                Thread.Yield();
                continue;
            }

            long id = (long)record.SpanId;
            seen[id].ShouldBeFalse($"record {id} came out twice");
            seen[id] = true;
            // One producer's records come out in the order it put them in.
            int producer = (int)((id - 1) / PerProducer);
            id.ShouldBeGreaterThan(lastPerProducer[producer]);
            lastPerProducer[producer] = id;
            taken++;
        }

        Task.WaitAll(producers);
        ring.TryDequeue(out _).ShouldBeFalse();
        seen.Skip(1).ShouldAllBe(s => s);
        TestContext.Out.WriteLine($"full-ring retries: {Interlocked.Read(ref refused)}");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference EnqueueFailure(RecordRing ring)
    {
        var exception = new InvalidOperationException("held");
        SpanRecord record = Record(1);
        record.Exception = exception;
        ring.TryEnqueue(record);
        return new WeakReference(exception);
    }

    // Separate frames, so that no local of the test method keeps the exception alive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TakeAndForget(RecordRing ring) => ring.TryDequeue(out _);

    private static SpanRecord Record(ulong id) => new() { SpanId = id };

    private static List<ulong> Drain(RecordRing ring)
    {
        var ids = new List<ulong>();
        while (ring.TryDequeue(out SpanRecord record))
        {
            ids.Add(record.SpanId);
        }

        return ids;
    }
}
