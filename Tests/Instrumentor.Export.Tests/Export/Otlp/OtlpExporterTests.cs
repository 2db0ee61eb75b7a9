using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Google.Protobuf;
using Instrumentor.Collector.Otlp.Protos;
using Instrumentor.Export.Otlp;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Export.Tests.Export.Otlp;

/// <summary>The OTLP exporter (the streaming exporter with the OTLP encoding): into the collector's OTLP receiver, and
/// its bytes through Google.Protobuf's own parser.</summary>
public sealed class OtlpExporterTests
{
    private const ulong TraceHigh = 0x0190_1234_5678_9abc;
    private const ulong TraceLow = 0xdef0_1122_3344_5566;
    private const ulong RootId = 0x1111_2222_3333_4444;
    private const ulong ChildId = 0x5555_6666_7777_8888;
    private const ulong FailedId = 0x9999_aaaa_bbbb_cccc;
    private const string Exception = "System.InvalidOperationException: out of stock\n   at Shop.Inventory.Reserve(String sku) in Inventory.cs:line 12";

    private static readonly SystemInfo s_system = new("orders-api", "0123456789abcdef0123456789abcdef", "instance-9");
    private TempDirectory _directory = null!;

    [SetUp]
    public void SetUp() => _directory = new TempDirectory("otlp-export");

    [TearDown]
    public void TearDown() => _directory.Dispose();

    [Test]
    public async Task Spans_sent_by_the_OTLP_exporter_read_back_from_the_collector_with_every_field()
    {
        string app = _directory.Combine("app.db");
        Store(app);
        await using RunningCollector collector = await RunningCollector.StartAsync(_directory.Combine("collector.db"));
        using HttpExporter exporter = Exporters.Start(new AppStore(app), collector.BaseAddress, o =>
        {
            o.Wire = ExportWire.Otlp;
            o.Compress = true;
        });

        (await exporter.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue();

        exporter.Counters.Sent.ShouldBe(3);
        const string spans = "SELECT span_id, trace_id, parent_span_id, ts, process, process_group, status, duration_ms, exception, thread_id, service, system_instance_id FROM process_trace ORDER BY span_id";
        const string values = "SELECT span_id, ts, process, data, data_type, data_value, status, exception FROM data_trace ORDER BY span_id, data";
        List<string> sent = Rows(app, spans);
        sent.Count.ShouldBe(3);
        Rows(collector.Database, spans).ShouldBe(sent);
        Rows(collector.Database, values).ShouldBe(Rows(app, values));
        Rows(collector.Database, "SELECT system_name, system_id, system_instance_id FROM instances").ShouldBe(["orders-api|0123456789abcdef0123456789abcdef|instance-9"]);
        exporter.Stop(TimeSpan.FromSeconds(3)).ShouldBeTrue();
    }

    [Test]
    public async Task Google_Protobuf_parses_the_encoded_request_into_the_same_fields()
    {
        string app = _directory.Combine("app.db");
        Store(app);
        using var outbox = new StoreOutbox(app, "test", s_system);
        List<OutboxSpan> read = outbox.Read(0, 10);
        var encoder = new OtlpTraceEncoder(new Uri("http://127.0.0.1:4318"));

        ExportTraceServiceRequest request = ExportTraceServiceRequest.Parser.ParseFrom(encoder.Encode(read, 0, read.Count));

        ResourceSpans resource = request.ResourceSpans.ShouldHaveSingleItem();
        Attributes(resource.Resource.Attributes).ShouldBe(new Dictionary<string, string?>
        {
            ["service.name"] = "orders-api",
            ["service.instance.id"] = "instance-9",
            ["instrumentor.system_id"] = "0123456789abcdef0123456789abcdef",
        });
        ScopeSpans scope = resource.ScopeSpans.ShouldHaveSingleItem();
        scope.Scope.Name.ShouldBe("Instrumentor");
        scope.Spans.Count.ShouldBe(3);
        ByteString trace = ByteString.CopyFrom(Convert.FromHexString("01901234567" + "89abcdef0112233445566"));
        scope.Spans.ShouldAllBe(s => s.TraceId == trace);

        Span root = scope.Spans.Single(s => s.SpanId == Id(RootId));
        root.ParentSpanId.IsEmpty.ShouldBeTrue();
        root.Name.ShouldBe("Shop.OrderService.PlaceOrder");
        root.Kind.ShouldBe(Span.Types.SpanKind.Internal);
        root.StartTimeUnixNano.ShouldBe(1_780_000_000_123_456_000UL);
        root.EndTimeUnixNano.ShouldBe(1_780_000_000_123_456_000UL + 2_500_000);
        Attributes(root.Attributes).ShouldBe(new Dictionary<string, string?>
        {
            ["code.namespace"] = "Shop.OrderService",
            ["code.function"] = "PlaceOrder",
            ["instrumentor.process_group"] = "orders",
            ["thread.id"] = "12",
            ["instrumentor.arg.customer"] = "alice",
            ["instrumentor.arg.note"] = null,
            ["instrumentor.arg.empty"] = "",
            ["instrumentor.result"] = "44.00",
        });
        root.Attributes.Single(a => a.Key == "thread.id").Value.IntValue.ShouldBe(12);
        (root.Status?.Code ?? Status.Types.StatusCode.Unset).ShouldBe(Status.Types.StatusCode.Unset);
        root.Events.ShouldBeEmpty();

        Span child = scope.Spans.Single(s => s.SpanId == Id(ChildId));
        child.ParentSpanId.ShouldBe(Id(RootId));
        Attributes(child.Attributes)["instrumentor.output.total"].ShouldBe("9");

        Span failed = scope.Spans.Single(s => s.SpanId == Id(FailedId));
        failed.ParentSpanId.ShouldBe(Id(ChildId));
        failed.Status.Code.ShouldBe(Status.Types.StatusCode.Error);
        failed.Status.Message.ShouldBe("System.InvalidOperationException: out of stock");
        Attributes(failed.Attributes)["instrumentor.unmeasured"].ShouldBe("True");
        Span.Types.Event exception = failed.Events.ShouldHaveSingleItem();
        exception.Name.ShouldBe("exception");
        Attributes(exception.Attributes).ShouldBe(new Dictionary<string, string?>
        {
            ["exception.type"] = "System.InvalidOperationException",
            ["exception.message"] = "out of stock",
            ["exception.stacktrace"] = Exception,
        });
    }

    [TestCase("http://otel:4318", "http://otel:4318/v1/traces")]
    [TestCase("http://otel:4318/", "http://otel:4318/v1/traces")]
    [TestCase("http://gateway/otlp", "http://gateway/otlp/v1/traces")]
    [TestCase("http://otel:4318/v1/traces", "http://otel:4318/v1/traces")]
    public void The_traces_path_is_appended_to_a_base_endpoint(string endpoint, string expected) =>
        OtlpTraceEncoder.TracesUri(new Uri(endpoint)).ToString().ShouldBe(expected);

    [Test]
    public void AddOtlpExporter_adds_an_OTLP_exporter_with_its_own_cursor_name()
    {
        var options = new MonitoringOptions();
        options.AddOtlpExporter(e => e.Endpoint = new Uri("http://otel:4318"));

        HttpExporterOptions exporter = options.Exporters().Last();
        exporter.Wire.ShouldBe(ExportWire.Otlp);
        exporter.EffectiveName.ShouldBe("otlp http://otel:4318");
    }

    /// <summary>Three spans of one trace (root, child, failed grandchild) committed to the app's store.</summary>
    private static void Store(string path)
    {
        const long start = 1_780_000_000_123_456;
        SpooledSpan Span(ulong id, ulong parent, string process, long durationNs, byte[]? data, string? exception) => new()
        {
            StartUnixMicroseconds = start,
            TraceHigh = TraceHigh,
            TraceLow = TraceLow,
            SpanId = id,
            ParentSpanId = parent,
            Status = exception is null ? SpanStatus.Ok : SpanStatus.Error,
            DurationNanoseconds = durationNs,
            ThreadId = 12,
            Process = process,
            ProcessGroup = "orders",
            DataUtf8 = data,
            Exception = exception,
        };
        var spans = new[]
        {
            Span(RootId, 0, "Shop.OrderService.PlaceOrder", 2_500_000,
                SpanDataJson.FromValues([("customer", false, "alice"), ("note", false, null), ("empty", false, ""), ("result", true, "44.00")]), null),
            Span(ChildId, RootId, "Shop.PricingService.PriceOrder", 1_000, SpanDataJson.FromValues([("total", true, "9")]), null),
            Span(FailedId, ChildId, "Shop.Inventory.Reserve", -1, null, Exception),
        };
        using (var sink = new SqliteSpanSink(path, s_system.SystemName, s_system))
        {
            sink.Ingest(spans, s_system.SystemName, s_system, batchId: null);
        }

        SqliteConnection.ClearAllPools();
    }

    private static ByteString Id(ulong id) => ByteString.CopyFrom(Convert.FromHexString(id.ToString("x16", CultureInfo.InvariantCulture)));

    private static Dictionary<string, string?> Attributes(IEnumerable<KeyValue> attributes) =>
        attributes.ToDictionary(a => a.Key, a => a.Value.ValueCase switch
        {
            AnyValue.ValueOneofCase.None => null,
            AnyValue.ValueOneofCase.IntValue => a.Value.IntValue.ToString(CultureInfo.InvariantCulture),
            AnyValue.ValueOneofCase.BoolValue => a.Value.BoolValue.ToString(),
            _ => a.Value.StringValue,
        });

    private static List<string> Rows(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }
}
