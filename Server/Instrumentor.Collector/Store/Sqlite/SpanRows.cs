using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using Instrumentor.Collector.Json;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite;

/// <summary>Reads rows of <c>span</c> (selected with <see cref="Columns"/>) into API spans.</summary>
internal static class SpanRows
{
    /// <summary>The columns, in the order <see cref="Read"/> expects, of <c>span s</c>.</summary>
    public const string Columns =
        "s.id, s.ts, s.trace_id, s.span_id, s.parent_span_id, s.status, s.duration_ns, s.thread_id, s.data, s.exception, s.site_id";

    public static SpanItem Read(SqliteDataReader row, SqliteConnection connection, SiteCache sites)
    {
        SiteInfo site = sites.Get(connection, row.GetInt64(10));
        string ts = row.GetString(1);
        return new SpanItem
        {
            RowId = row.GetInt64(0),
            TraceId = row.GetString(2),
            SpanId = row.GetString(3),
            ParentSpanId = row.IsDBNull(4) ? null : row.GetString(4),
            Process = site.Process,
            ProcessGroup = site.ProcessGroup,
            Start = StoreText.Iso(ts),
            DurationMs = row.IsDBNull(6) ? null : row.GetInt64(6) / 1_000_000.0,
            Status = row.GetString(5),
            Exception = row.IsDBNull(9) ? null : row.GetString(9),
            ThreadId = row.IsDBNull(7) ? null : row.GetInt32(7),
            Data = row.IsDBNull(8) ? [] : ReadData(row.GetString(8)),
            Ts = ts,
            Service = site.Service,
        };
    }

    /// <summary>
    /// Parses the stored values (<c>[{"n":name,"o":1 for an output,"v":value}]</c>); text that is not such JSON is
    /// returned as one value rather than failing the whole query.
    /// </summary>
    public static IReadOnlyList<SpanValue> ReadData(string json)
    {
        var values = new List<SpanValue>();
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return [new SpanValue("data", "INPUT", json)];
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                string name = "";
                bool output = false;
                string? value = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string property = reader.GetString()!;
                    reader.Read();
                    switch (property)
                    {
                        case "n":
                            name = reader.TokenType == JsonTokenType.String ? reader.GetString()! : "";
                            break;
                        case "o":
                            output = reader.TokenType == JsonTokenType.Number && reader.GetInt32() == 1;
                            break;
                        case "v":
                            value = reader.TokenType switch
                            {
                                JsonTokenType.Null => null,
                                JsonTokenType.String => reader.GetString(),
                                _ => Encoding.UTF8.GetString(reader.ValueSpan),
                            };
                            break;
                        default:
                            reader.Skip();
                            break;
                    }
                }

                values.Add(new SpanValue(name, output ? "OUTPUT" : "INPUT", value));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return [new SpanValue("data", "INPUT", json)];
        }

        return values;
    }
}
