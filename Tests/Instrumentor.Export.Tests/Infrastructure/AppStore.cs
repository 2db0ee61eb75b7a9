using System.Collections.Generic;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Export.Tests.Infrastructure;

/// <summary>An application's local store (the exporter's outbox), filled with committed spans as its writer would.</summary>
internal sealed class AppStore
{
    public static readonly SystemInfo System = new("orders-api", "0123456789abcdef0123456789abcdef", "instance-1");

    private ulong _next = 1;

    public AppStore(string path) => Path = path;

    public string Path { get; }

    /// <summary>Commits <paramref name="count"/> spans (ids from a counter, so every span id is distinct).</summary>
    public IReadOnlyList<string> Add(int count, string process = "Shop.Pricing.PriceOrder")
    {
        var spans = new List<SpooledSpan>(count);
        for (int i = 0; i < count; i++)
        {
            ulong n = _next++;
            spans.Add(new SpooledSpan
            {
                StartUnixMicroseconds = 1_780_000_000_000_000 + (long)n,
                TraceHigh = 0x0190_0000_0000_0000 | n,
                TraceLow = 0xabcdef,
                SpanId = 0x1000_0000_0000_0000 | n,
                Status = n % 7 == 0 ? SpanStatus.Error : SpanStatus.Ok,
                DurationNanoseconds = 420_000,
                ThreadId = 12,
                Process = process,
                ProcessGroup = "pricing",
                DataUtf8 = SpanDataJson.FromValues(new[] { ("quantity", false, (string?)n.ToString(global::System.Globalization.CultureInfo.InvariantCulture)), ("result", true, "44.00") }),
                Exception = n % 7 == 0 ? "System.InvalidOperationException: out of stock" : null,
            });
        }

        using (var sink = new SqliteSpanSink(Path, System.SystemName, System))
        {
            sink.Ingest(spans, System.SystemName, System, batchId: null);
        }

        SqliteConnection.ClearAllPools();
        return spans.Select(s => SpanText.Hex(s.SpanId)).ToList();
    }

    public long Cursor(string name)
    {
        using var connection = new SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT last_rowid FROM export_cursor WHERE name = $n;";
        command.Parameters.AddWithValue("$n", name);
        return command.ExecuteScalar() is long last ? last : 0;
    }
}
