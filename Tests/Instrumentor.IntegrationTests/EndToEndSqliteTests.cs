using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor.IntegrationTests.Monitored;
using Microsoft.Data.Sqlite;

namespace Instrumentor.IntegrationTests;

[NonParallelizable]
public class EndToEndSqliteTests
{
    private string _path = "";

    [SetUp]
    public void SetUp()
    {
        _path = Path.Combine(Path.GetTempPath(), "instrumentor-e2e-" + Guid.NewGuid().ToString("N") + ".db");
        Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        Monitoring.Configure(o => o.DatabasePath = _path);
    }

    [TearDown]
    public void TearDown()
    {
        Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        SqliteConnection.ClearAllPools();
        foreach (string file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task Monitored_calls_land_in_sqlite_with_consistent_trace_and_parent_ids()
    {
        var workflow = new OrderWorkflow();
        decimal total = 0;
        for (int id = 1; id <= 20; id++)
        {
            total += await workflow.PlaceAsync(id, 2);
        }

        total.ShouldBeGreaterThan(0);
        (await Monitoring.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();

        var spans = ReadSpans();
        spans.Count.ShouldBe(20 * 4);
        var byId = spans.ToDictionary(s => s.SpanId);
        foreach (var span in spans.Where(s => s.Process.EndsWith(".PlaceAsync", StringComparison.Ordinal)))
        {
            span.ParentSpanId.ShouldBeNull();
            var children = spans.Where(s => s.ParentSpanId == span.SpanId).Select(s => s.Process.Split('.').Last()).OrderBy(p => p).ToArray();
            children.ShouldBe(new[] { "PriceAsync", "Reserve", "Validate" });
        }

        foreach (var span in spans.Where(s => s.ParentSpanId is not null))
        {
            byId[span.ParentSpanId!].TraceId.ShouldBe(span.TraceId);
        }

        spans.ShouldAllBe(s => s.DurationMs > 0);
        spans.Select(s => s.TraceId).Distinct().Count().ShouldBe(20);
        spans.Single(s => s.Process.EndsWith("PlaceAsync") && s.Inputs["orderId"] == "3").Inputs["quantity"].ShouldBe("2");
    }

    [Test]
    public async Task A_failing_call_is_an_ERR_row_with_the_exception_and_the_caller_sees_the_same_exception()
    {
        var workflow = new OrderWorkflow();
        var thrown = await Should.ThrowAsync<ArgumentOutOfRangeException>(() => workflow.PlaceAsync(1, 0));
        thrown.ParamName.ShouldBe("quantity");
        thrown.StackTrace!.ShouldContain("OrderWorkflow.Validate");

        (await Monitoring.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();

        var spans = ReadSpans();
        var validate = spans.Single(s => s.Process.EndsWith(".Validate", StringComparison.Ordinal));
        var place = spans.Single(s => s.Process.EndsWith(".PlaceAsync", StringComparison.Ordinal));
        validate.Status.ShouldBe("ERR");
        validate.Exception!.ShouldStartWith("System.ArgumentOutOfRangeException: quantity must be positive");
        validate.ParentSpanId.ShouldBe(place.SpanId);
        place.Status.ShouldBe("ERR");
        place.Exception!.ShouldContain("ArgumentOutOfRangeException");
    }

    private List<Span> ReadSpans()
    {
        using var connection = new SqliteConnection($"Data Source={_path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var inputs = new Dictionary<string, Dictionary<string, string?>>();
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = "SELECT span_id, data, data_value FROM data_trace WHERE data_type = 'INPUT'";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                string span = reader.GetString(0);
                if (!inputs.TryGetValue(span, out var values))
                {
                    inputs[span] = values = new Dictionary<string, string?>();
                }

                values[reader.GetString(1)] = reader.IsDBNull(2) ? null : reader.GetString(2);
            }
        }

        var spans = new List<Span>();
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = "SELECT span_id, trace_id, parent_span_id, process, status, duration_ms, exception FROM process_trace";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                string id = reader.GetString(0);
                spans.Add(new Span(id, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetDouble(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                    inputs.TryGetValue(id, out var values) ? values : new Dictionary<string, string?>()));
            }
        }

        return spans;
    }

    private sealed record Span(string SpanId, string TraceId, string? ParentSpanId, string Process, string Status, double? DurationMs,
        string? Exception, Dictionary<string, string?> Inputs);
}
