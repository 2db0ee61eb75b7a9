using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Data.Sqlite;
using static Instrumentor.Tests.Storage.StoreDatabase;

namespace Instrumentor.Tests.Storage;

/// <summary>The collector's ingest into the shared store: idempotent, all or nothing, several services and instances.</summary>
[NonParallelizable]
public class SqliteIngestTests
{
    private static readonly SystemInfo s_orders = new("orders-api", "sys-1", "inst-1") { Host = "web-1", Pid = 4242, StartedUnixMicroseconds = 1_764_611_545_000_000 };

    private string _directory = "";
    private string _path = "";

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "instrumentor-ingest", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _path = Path.Combine(_directory, "traces.db");
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void Ingested_spans_appear_in_the_views_with_their_service_instance_and_values()
    {
        using (var sink = new SqliteSpanSink(_path, null, null))
        {
            sink.Ingest(new[] { Span(1, 1, parent: 0), Span(1, 2, parent: 1, error: true) }, "orders", s_orders, null).ShouldBe(new IngestResult(2, 0));
        }

        using SqliteConnection connection = Open(_path);
        Query(connection, "SELECT span_id, trace_id, parent_span_id, ts, process, process_group, status, duration_ms, exception, thread_id, service, system_instance_id FROM process_trace ORDER BY span_id")
            .ShouldBe(new List<object?[]>
            {
                new object?[] { "0000000000000001", "0000019ad7a6b1a30000000000000001", null, "2025-12-01 17:52:25.123456", "Shop.Pricing.Price", "pricing", "OK", 0.42, null, 12L, "orders", "inst-1" },
                new object?[] { "0000000000000002", "0000019ad7a6b1a30000000000000001", "0000000000000001", "2025-12-01 17:52:25.123456", "Shop.Pricing.Price", "pricing", "ERR", 0.42, "System.Exception: no", 12L, "orders", "inst-1" },
            });
        Query(connection, "SELECT data, data_type, data_value FROM data_trace WHERE span_id = '0000000000000001' ORDER BY data").ShouldBe(new List<object?[]>
        {
            new object?[] { "quantity", "INPUT", "3" },
            new object?[] { "result", "OUTPUT", null },
        });
        Query(connection, "SELECT system_name, system_id, system_instance_id, host, pid, started FROM instances").ShouldBe(new List<object?[]>
        {
            new object?[] { "orders-api", "sys-1", "inst-1", "web-1", 4242L, "2025-12-01 17:52:25.000000" },
        });
    }

    [Test]
    public void The_same_span_again_is_a_duplicate_in_a_later_batch_and_within_one_batch()
    {
        using var sink = new SqliteSpanSink(_path, null, null);
        sink.Ingest(new[] { Span(1, 1) }, "orders", s_orders, null).ShouldBe(new IngestResult(1, 0));
        sink.Ingest(new[] { Span(1, 1), Span(1, 2), Span(1, 2) }, "orders", s_orders, null).ShouldBe(new IngestResult(1, 2));
        // Same span id in another trace is another span.
        sink.Ingest(new[] { Span(2, 1) }, "orders", s_orders, null).ShouldBe(new IngestResult(1, 0));

        using SqliteConnection connection = Open(_path);
        Scalar(connection, "SELECT count(*) FROM process_trace").ShouldBe(3L);
    }

    [Test]
    public void The_same_batch_id_again_stores_nothing_and_counts_every_span_as_a_duplicate()
    {
        using var sink = new SqliteSpanSink(_path, null, null);
        sink.Ingest(new[] { Span(1, 1), Span(1, 2) }, "orders", s_orders, "batch-7").ShouldBe(new IngestResult(2, 0));
        sink.Ingest(new[] { Span(1, 3), Span(1, 4) }, "orders", s_orders, "batch-7").ShouldBe(new IngestResult(0, 2));

        using SqliteConnection connection = Open(_path);
        Scalar(connection, "SELECT count(*) FROM process_trace").ShouldBe(2L);
    }

    [Test]
    public void A_batch_the_store_refuses_keeps_nothing_of_it_and_the_next_batch_is_stored()
    {
        using var sink = new SqliteSpanSink(_path, null, null);
        SpooledSpan bad = Span(1, 2);
        bad.Process = null!; // fails after the first span was inserted
        Should.Throw<InvalidOperationException>(() => sink.Ingest(new[] { Span(1, 1), bad }, "orders", s_orders, "batch-1"));

        sink.Ingest(new[] { Span(1, 1) }, "orders", s_orders, "batch-1").ShouldBe(new IngestResult(1, 0), "the failed batch id was not recorded");
        using SqliteConnection connection = Open(_path);
        Scalar(connection, "SELECT count(*) FROM process_trace").ShouldBe(1L);
        Scalar(connection, "SELECT count(*) FROM instances").ShouldBe(1L);
    }

    [Test]
    public void The_service_is_part_of_the_site_key_and_each_instance_is_kept_once()
    {
        var other = new SystemInfo("billing", "sys-2", "inst-2");
        using (var sink = new SqliteSpanSink(_path, null, null))
        {
            sink.Ingest(new[] { Span(1, 1) }, "orders", s_orders, null);
            sink.Ingest(new[] { Span(2, 1) }, "billing", other, null);
            sink.Ingest(new[] { Span(3, 1) }, "orders", s_orders, null);
        }

        using SqliteConnection connection = Open(_path);
        Query(connection, "SELECT service, system_instance_id, count(*) FROM process_trace GROUP BY service, system_instance_id ORDER BY service")
            .ShouldBe(new List<object?[]> { new object?[] { "billing", "inst-2", 1L }, new object?[] { "orders", "inst-1", 2L } });
        Scalar(connection, "SELECT count(*) FROM site").ShouldBe(2L);
        Scalar(connection, "SELECT count(*) FROM instances").ShouldBe(2L);
    }

    [Test]
    public void Values_are_built_in_the_stored_json_format()
    {
        byte[]? data = SpanDataJson.FromValues(new[] { ("a", false, (string?)"1"), ("result", true, (string?)"x\"y") });
        System.Text.Encoding.UTF8.GetString(data!).ShouldBe("""[{"n":"a","v":"1"},{"n":"result","o":1,"v":"x\u0022y"}]""");
        SpanDataJson.FromValues(Array.Empty<(string, bool, string?)>()).ShouldBeNull();
    }

    private static SpooledSpan Span(ulong traceLow, ulong spanId, ulong parent = 0, bool error = false) => new()
    {
        StartUnixMicroseconds = 1_764_611_545_123_456,
        TraceHigh = 0x0000019ad7a6b1a3,
        TraceLow = traceLow,
        SpanId = spanId,
        ParentSpanId = parent,
        Status = error ? SpanStatus.Error : SpanStatus.Ok,
        DurationNanoseconds = 420_000,
        ThreadId = 12,
        Process = "Shop.Pricing.Price",
        ProcessGroup = "pricing",
        DataUtf8 = SpanDataJson.FromValues(new[] { ("quantity", false, (string?)"3"), ("result", true, (string?)null) }),
        Exception = error ? "System.Exception: no" : null,
    };
}
