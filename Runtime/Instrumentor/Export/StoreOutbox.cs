using System;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Export;

/// <summary>
/// The local store seen as an exporter's outbox: the committed spans after the exporter's durable cursor
/// (<c>export_cursor.last_rowid</c>), read in row-id (commit) order over a connection of the exporter's own, and the
/// cursor moved forward once the endpoint acknowledged them. One exporter thread uses an instance.
/// </summary>
internal sealed class StoreOutbox : IExportOutbox
{
    // The rowid primary key makes this a range read; the joins are lookups in the two small tables.
    private const string ReadSql = """
        SELECT s.id, s.ts, s.trace_id, s.span_id, s.parent_span_id, site.process, site.process_group, site.service,
               s.status, s.duration_ns, s.thread_id, s.data, s.exception, i.system_name, i.system_id, i.system_instance_id
        FROM span s
        JOIN site ON site.id = s.site_id
        LEFT JOIN instance i ON i.id = s.instance_id
        WHERE s.id > $after
        ORDER BY s.id
        LIMIT $limit;
        """;

    private readonly string _path;
    private readonly string _name;
    private readonly WireSystemInfo _fallbackSystem;
    private SqliteConnection? _connection;

    internal StoreOutbox(string path, string name, SystemInfo fallbackSystem)
    {
        _path = path;
        _name = name;
        _fallbackSystem = new WireSystemInfo
        {
            SystemName = fallbackSystem.SystemName,
            SystemId = fallbackSystem.SystemId,
            SystemInstanceId = fallbackSystem.SystemInstanceId,
        };
    }

    /// <inheritdoc />
    public string Location => _path;

    /// <summary>The last row id the endpoint acknowledged (0 when this exporter never sent anything).</summary>
    public long ReadCursor()
    {
        using SqliteCommand command = Open().CreateCommand();
        command.CommandText = "SELECT last_rowid FROM export_cursor WHERE name = $name;";
        command.Parameters.AddWithValue("$name", _name);
        return command.ExecuteScalar() is long last ? last : 0;
    }

    /// <summary>Moves the cursor to <paramref name="lastRowId"/> (never backwards), durably.</summary>
    public void SaveCursor(long lastRowId)
    {
        using SqliteCommand command = Open().CreateCommand();
        command.CommandText = """
            INSERT INTO export_cursor (name, last_rowid) VALUES ($name, $last)
            ON CONFLICT (name) DO UPDATE SET last_rowid = max(last_rowid, excluded.last_rowid);
            """;
        command.Parameters.AddWithValue("$name", _name);
        command.Parameters.AddWithValue("$last", lastRowId);
        command.ExecuteNonQuery();
    }

    /// <summary>The highest row id committed so far (0 for an empty store).</summary>
    public long LastRowId()
    {
        using SqliteCommand command = Open().CreateCommand();
        command.CommandText = "SELECT coalesce(max(id), 0) FROM span;";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>How many committed spans lie after row <paramref name="after"/> (a range of the rowid key).</summary>
    public long CountAfter(long after)
    {
        using SqliteCommand command = Open().CreateCommand();
        command.CommandText = "SELECT count(*) FROM span WHERE id > $after;";
        command.Parameters.AddWithValue("$after", after);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>At most <paramref name="limit"/> spans committed after row <paramref name="after"/>, oldest first.</summary>
    public List<OutboxSpan> Read(long after, int limit)
    {
        var spans = new List<OutboxSpan>(Math.Min(limit, 1024));
        var systems = new Dictionary<(string?, string?, string?, string?), WireSystemInfo>();
        using SqliteCommand command = Open().CreateCommand();
        command.CommandText = ReadSql;
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit);
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            string? service = Text(reader, 7);
            string? systemName = Text(reader, 13);
            string? systemId = Text(reader, 14);
            string? instanceId = Text(reader, 15);
            var key = (service, systemName, systemId, instanceId);
            if (!systems.TryGetValue(key, out WireSystemInfo? system))
            {
                // The site's service names the spans on the collector (part of its site key); a span without an
                // instance (written before v3, or by a sink without one) goes as this process's.
                system = instanceId is null
                    ? _fallbackSystem with { SystemName = service ?? _fallbackSystem.SystemName }
                    : new WireSystemInfo { SystemName = service ?? systemName ?? _fallbackSystem.SystemName, SystemId = systemId, SystemInstanceId = instanceId };
                systems[key] = system;
            }

            long? durationNs = reader.IsDBNull(9) ? null : reader.GetInt64(9);
            var wire = new WireEvent
            {
                TraceId = reader.GetString(2),
                SpanId = reader.GetString(3),
                ParentSpanId = Text(reader, 4),
                Process = reader.GetString(5),
                ProcessGroup = Text(reader, 6),
                Start = IsoTime(reader.GetString(1)),
                DurationMs = durationNs / 1_000_000.0,
                Status = reader.GetString(8),
                ThreadId = reader.IsDBNull(10) ? null : reader.GetInt32(10),
                Data = Values(Text(reader, 11)),
                Exception = Text(reader, 12),
            };
            spans.Add(new OutboxSpan(reader.GetInt64(0), system, wire));
        }

        return spans;
    }

    /// <summary>The store's <c>YYYY-MM-DD HH:MM:SS.ffffff</c> (UTC) as ISO 8601 with <c>Z</c>.</summary>
    internal static string IsoTime(string stored) =>
        stored.Length >= 19 && stored[10] == ' ' ? string.Concat(stored.AsSpan(0, 10), "T", stored.AsSpan(11), "Z") : stored;

    /// <summary>The stored values <c>[{"n","o","v"}]</c> as the wire's <c>[{"name","type","value"}]</c>.</summary>
    internal static List<WireValue>? Values(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return null;
        }

        var values = new List<WireValue>();
        using JsonDocument document = JsonDocument.Parse(stored);
        foreach (JsonElement item in document.RootElement.EnumerateArray())
        {
            string name = item.TryGetProperty("n", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "?";
            bool output = item.TryGetProperty("o", out JsonElement o) && o.ValueKind == JsonValueKind.Number && o.GetInt32() == 1;
            string? value = item.TryGetProperty("v", out JsonElement v)
                ? v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString(),
                    JsonValueKind.Null => null,
                    _ => v.GetRawText(),
                }
                : null;
            values.Add(new WireValue { Name = name, Type = output ? "OUTPUT" : "INPUT", Value = value });
        }

        return values;
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _connection = null;
    }

    /// <summary>Closes the connection after a failure: the file may have been replaced, the next call reopens it.</summary>
    public void Reset() => Dispose();

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private SqliteConnection Open()
    {
        if (_connection is not null)
        {
            return _connection;
        }

        // The writer migrates at its first write; the exporter may open the file first: same pragmas, same schema.
        SqliteConnection connection = StoreConnection.Open(_path);
        _connection = connection;
        return connection;
    }
}
