using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using Npgsql;
using NpgsqlTypes;

namespace Instrumentor.Collector.Store.Postgres;

/// <summary>
/// The PostgreSQL store (<c>serve --postgres</c>): a batch goes in by one binary COPY straight into the day-partitioned
/// <c>span</c> table, whose primary key (trace id, span id, start) refuses a span stored before. When it does (a retry
/// under a new batch id, or the same span sent to two collectors behind a load balancer) the transaction is rolled back
/// and the batch is written again the careful way: COPY into a session temp table, then
/// <c>INSERT ... SELECT ... ON CONFLICT DO NOTHING</c>, so it is stored once. A batch id already committed stores
/// nothing. The per-minute stats (<see cref="PostgresStats"/>) are updated in the same transaction. Retention drops
/// whole day partitions, and deletes the rows of the day the cutoff falls in. Several collectors can share one
/// database: every write is a transaction of its own and the DDL takes advisory locks.
/// Each of the store's writer threads (<see cref="WriterThreads"/>) has a write connection of its own, as two collectors
/// on the database would; readers take pooled connections.
/// </summary>
internal sealed class PostgresTraceStore : ITraceStore
{
    // Exception text (with stack) is capped, as in the SQLite store.
    private const int MaxExceptionLength = 32_768;

    private const string StageSql = """
        CREATE TEMP TABLE IF NOT EXISTS span_stage (
            ts timestamptz, site_id bigint, instance_id bigint, trace_id text COLLATE "C", span_id text COLLATE "C", parent_span_id text,
            status text, duration_ns bigint, thread_id integer, data text, exception text
        ) ON COMMIT DELETE ROWS;
        """;

    private const string Columns = "ts, site_id, instance_id, trace_id, span_id, parent_span_id, status, duration_ns, thread_id, data, exception";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresPartitions _partitions = new();
    // Sites and instances are interned and never deleted, so their ids stay valid across transactions and collectors.
    private readonly ConcurrentDictionary<(string Process, string? Group, string? Service), long> _siteIds = new();
    private readonly ConcurrentDictionary<string, long> _instanceIds = new(StringComparer.Ordinal);
    // One write connection per thread that writes: the writer threads (and, in tests, a test thread calling the store).
    private readonly ThreadLocal<NpgsqlConnection?> _connection = new(trackAllValues: true);

    private PostgresTraceStore(NpgsqlDataSource dataSource, string location)
    {
        _dataSource = dataSource;
        Location = location;
        Queries = new PostgresTraceQueries(dataSource);
        LogQueries = new PostgresLogQueries(dataSource);
        Sessions = new PostgresSessionStore(dataSource);
    }

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public ITraceQueries Queries { get; }

    /// <inheritdoc />
    public ILogQueries LogQueries { get; }

    /// <summary>The session tables in the same database (<c>/v1/sessions</c>, <c>/api/sessions</c>).</summary>
    public PostgresSessionStore Sessions { get; }

    /// <summary>Connects, creates the schema when missing and the partitions of today and tomorrow.</summary>
    /// <exception cref="InvalidOperationException">The connection string is invalid or the server cannot be used.</exception>
    public static PostgresTraceStore Open(string connectionString)
    {
        NpgsqlDataSource dataSource;
        string location;
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            // Shown in messages and /api/status: never the password.
            location = $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
            // Arrays: the per-minute stats are written from arrays (unnest) and keep their histograms as arrays.
            dataSource = new NpgsqlSlimDataSourceBuilder(connectionString).EnableArrays().Build();
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"--postgres: the connection string is not valid: {e.Message}", e);
        }

        var store = new PostgresTraceStore(dataSource, location);
        try
        {
            NpgsqlConnection connection = store.Writer();
            PostgresSchema.Migrate(connection);
            long today = PostgresTime.Day(StoreText.ToUnixMicroseconds(DateTimeOffset.UtcNow));
            foreach (string table in PostgresPartitions.Tables)
            {
                store._partitions.Ensure(connection, table, [today, today + 1]);
            }

            // The opening thread writes nothing more: its connection goes back (the writer threads open their own).
            connection.Dispose();
            store._connection.Value = null;
            return store;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            store.Dispose();
            throw new InvalidOperationException($"cannot open the PostgreSQL trace store {location}: {e.Message}", e);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Spans of queued batches committed together (<see cref="WriteSpanGroup"/>): one COPY, one commit.</summary>
    public int MaxGroupedSpans => 20_000;

    /// <summary>
    /// Two writers: while one waits for its commit (or for the server to insert its COPY), the other prepares and sends
    /// the next group. One writer left a core idle: the collector and its PostgreSQL backend took turns on one
    /// transaction at a time (docs/benchmarks.md, section 13). Their transactions meet only on the minutes both
    /// count, whose rows they lock in key order.
    /// </summary>
    public int WriterThreads => 2;

    /// <inheritdoc />
    public StoreIngestResult WriteSpans(SpanBatch batch) => WriteSpanGroup([batch])[0];

    /// <inheritdoc />
    public IReadOnlyList<StoreIngestResult> WriteSpanGroup(IReadOnlyList<SpanBatch> batches) => Retrying(() => WriteGroupOnce(batches));

    private StoreIngestResult[] WriteGroupOnce(IReadOnlyList<SpanBatch> batches)
    {
        NpgsqlConnection connection = Writer();
        // Tomorrow too: the first span after midnight finds its partition made (a set lookup when it exists).
        var days = new HashSet<long> { Tomorrow() };
        var rows = new Prepared[batches.Count];
        for (int b = 0; b < batches.Count; b++)
        {
            SpanBatch batch = batches[b];
            long? instanceId = batch.System is { SystemInstanceId: { Length: > 0 } instance } sender
                ? InstanceId(connection, sender.SystemName ?? batch.Service ?? "", sender.SystemId ?? "", instance)
                : null;
            var sites = new long[batch.Spans.Count];
            for (int i = 0; i < batch.Spans.Count; i++)
            {
                SpooledSpan span = batch.Spans[i];
                days.Add(PostgresTime.Day(span.StartUnixMicroseconds));
                sites[i] = SiteId(connection, span.Process, span.ProcessGroup, batch.Service);
            }

            rows[b] = new Prepared(batch, sites, instanceId);
        }

        _partitions.Ensure(connection, "span", days);
        var results = new StoreIngestResult[batches.Count];
        using (NpgsqlTransaction transaction = connection.BeginTransaction())
        {
            bool[] claimed = ClaimBatches(connection, batches);
            var stored = new List<Prepared>(batches.Count);
            for (int b = 0; b < batches.Count; b++)
            {
                // A batch id already committed stores nothing.
                results[b] = claimed[b] ? new StoreIngestResult(batches[b].Spans.Count, 0) : new StoreIngestResult(0, batches[b].Spans.Count);
                if (claimed[b])
                {
                    stored.Add(rows[b]);
                }
            }

            if (stored.Count == 0 || TryCopy(connection, "span", stored))
            {
                var stats = new PostgresStats.Delta();
                foreach (Prepared p in stored)
                {
                    for (int i = 0; i < p.Batch.Spans.Count; i++)
                    {
                        SpooledSpan span = p.Batch.Spans[i];
                        stats.Add(p.Sites[i], span.StartUnixMicroseconds, span.Status != SpanStatus.Ok, Duration(span));
                    }
                }

                stats.Apply(connection);
                transaction.Commit();
                return results;
            }

            // A span of the group is stored already: nothing of this transaction stays.
            transaction.Rollback();
        }

        for (int b = 0; b < batches.Count; b++)
        {
            results[b] = WriteSpansSkippingStored(connection, rows[b]);
        }

        return results;
    }

    /// <summary>A batch with its interned site ids (one per span) and instance id.</summary>
    private sealed record Prepared(SpanBatch Batch, long[] Sites, long? InstanceId);

    // The batch holds spans stored before: stage it and insert only the new ones, counting what was inserted.
    private StoreIngestResult WriteSpansSkippingStored(NpgsqlConnection connection, Prepared rows)
    {
        SpanBatch batch = rows.Batch;
        using NpgsqlTransaction transaction = connection.BeginTransaction();
        if (!ClaimBatches(connection, [batch])[0])
        {
            return new StoreIngestResult(0, batch.Spans.Count);
        }

        if (!TryCopy(connection, "span_stage", [rows]))
        {
            throw new InvalidOperationException("the staging table of the PostgreSQL store has a key; it should have none");
        }

        int accepted = 0;
        var stats = new PostgresStats.Delta();
        // Rows in key order: two collectors storing overlapping batches take the key locks in the same order.
        using (var insert = new NpgsqlCommand($"""
            INSERT INTO span ({Columns}) SELECT {Columns} FROM span_stage ORDER BY trace_id, span_id ON CONFLICT DO NOTHING
            RETURNING site_id, ts, status, duration_ns;
            """, connection))
        using (NpgsqlDataReader reader = insert.ExecuteReader())
        {
            while (reader.Read())
            {
                accepted++;
                stats.Add(reader.GetInt64(0), PostgresTime.ToMicroseconds(reader.GetDateTime(1)), reader.GetString(2) == "ERR",
                    reader.IsDBNull(3) ? null : reader.GetInt64(3));
            }
        }

        stats.Apply(connection);
        transaction.Commit();
        return new StoreIngestResult(accepted, batch.Spans.Count - accepted);
    }

    private static long? Duration(SpooledSpan span) => span.DurationNanoseconds >= 0 ? span.DurationNanoseconds : null;

    // One binary COPY of the batches into span (or the staging table); false when the span table already holds one of
    // their spans (the transaction is then aborted).
    private static bool TryCopy(NpgsqlConnection connection, string table, IReadOnlyList<Prepared> batches)
    {
        try
        {
            using NpgsqlBinaryImporter copy = connection.BeginBinaryImport($"COPY {table} ({Columns}) FROM STDIN (FORMAT BINARY)");
            WriteRows(copy, batches);
            copy.Complete();
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
    }

    // The hot loop of ingest, compiled optimized from its first call: at tier 0 its on-stack replacement was compiled
    // over and over on a busy machine (most of the collector's CPU went to the JIT).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteRows(NpgsqlBinaryImporter copy, IReadOnlyList<Prepared> batches)
    {
        foreach ((SpanBatch batch, long[] sites, long? instanceId) in batches)
        {
            for (int i = 0; i < batch.Spans.Count; i++)
            {
                SpooledSpan span = batch.Spans[i];
                copy.StartRow();
                copy.Write(PostgresTime.FromMicroseconds(span.StartUnixMicroseconds), NpgsqlDbType.TimestampTz);
                copy.Write(sites[i], NpgsqlDbType.Bigint);
                WriteOptional(copy, instanceId);
                copy.Write(StoreText.TraceId(span.TraceHigh, span.TraceLow), NpgsqlDbType.Text);
                copy.Write(StoreText.SpanId(span.SpanId), NpgsqlDbType.Text);
                WriteText(copy, span.ParentSpanId == 0 ? null : StoreText.SpanId(span.ParentSpanId));
                copy.Write(span.Status == SpanStatus.Ok ? "OK" : "ERR", NpgsqlDbType.Text);
                WriteOptional(copy, Duration(span));
                copy.Write(span.ThreadId, NpgsqlDbType.Integer);
                WriteText(copy, span.DataUtf8 is { Length: > 0 } data ? Encoding.UTF8.GetString(data) : null);
                WriteText(copy, span.Exception is { } e && e.Length > MaxExceptionLength ? e[..MaxExceptionLength] : span.Exception);
            }
        }
    }

    /// <inheritdoc />
    public StoreIngestResult WriteLogs(IReadOnlyList<LogEntry> logs, string? batchId) => Retrying(() =>
    {
        NpgsqlConnection connection = Writer();
        var days = new HashSet<long> { Tomorrow() };
        foreach (LogEntry log in logs)
        {
            days.Add(PostgresTime.Day(log.TimestampMicroseconds));
        }

        _partitions.Ensure(connection, "log", days);
        using NpgsqlTransaction transaction = connection.BeginTransaction();
        if (batchId is not null && !ClaimBatch(connection, "log_batch", "lines", batchId, logs.Count))
        {
            return new StoreIngestResult(0, logs.Count);
        }

        using (NpgsqlBinaryImporter copy = connection.BeginBinaryImport(
            "COPY log (ts, level, logger, message, trace_id, span_id, parent_span_id, exception, attributes, service) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (LogEntry log in logs)
            {
                copy.StartRow();
                copy.Write(PostgresTime.FromMicroseconds(log.TimestampMicroseconds), NpgsqlDbType.TimestampTz);
                WriteText(copy, log.Level);
                WriteText(copy, log.Logger);
                WriteText(copy, log.Message);
                WriteText(copy, log.TraceHigh != 0 || log.TraceLow != 0 ? StoreText.TraceId(log.TraceHigh, log.TraceLow) : null);
                WriteText(copy, log.SpanId != 0 ? StoreText.SpanId(log.SpanId) : null);
                WriteText(copy, log.ParentSpanId != 0 ? StoreText.SpanId(log.ParentSpanId) : null);
                WriteText(copy, log.Exception);
                WriteText(copy, log.Attributes);
                WriteText(copy, log.Service);
            }

            copy.Complete();
        }

        transaction.Commit();
        return new StoreIngestResult(logs.Count, 0);
    });

    /// <inheritdoc />
    public int PurgeOlderThan(long cutoffUnixMicroseconds, int limit)
    {
        NpgsqlConnection connection = Writer();
        // Whole days first: DROP of a partition, no row-by-row delete, no vacuum debt.
        long dropped = _partitions.DropBefore(connection, "span", cutoffUnixMicroseconds);
        _partitions.DropBefore(connection, "log", cutoffUnixMicroseconds);
        DateTime cutoff = PostgresTime.FromMicroseconds(cutoffUnixMicroseconds);
        // Then the rows of the day the cutoff falls in, oldest first, through span_ts; their minutes lose them in the
        // same transaction.
        int deleted = 0;
        using (NpgsqlTransaction transaction = connection.BeginTransaction())
        {
            var stats = new PostgresStats.Delta();
            long lastMinute = long.MinValue;
            using (var delete = new NpgsqlCommand("""
                DELETE FROM span s USING (SELECT ts, id FROM span WHERE ts < @cutoff ORDER BY ts LIMIT @limit) o
                WHERE s.ts = o.ts AND s.id = o.id AND s.ts < @cutoff
                RETURNING s.site_id, s.ts, s.status, s.duration_ns;
                """, connection))
            {
                delete.Parameters.AddWithValue("cutoff", cutoff);
                delete.Parameters.AddWithValue("limit", limit);
                using NpgsqlDataReader reader = delete.ExecuteReader();
                while (reader.Read())
                {
                    long ts = PostgresTime.ToMicroseconds(reader.GetDateTime(1));
                    stats.Add(reader.GetInt64(0), ts, reader.GetString(2) == "ERR", reader.IsDBNull(3) ? null : reader.GetInt64(3), sign: -1);
                    lastMinute = Math.Max(lastMinute, PostgresStats.Minute(ts));
                    deleted++;
                }
            }

            stats.Apply(connection);
            if (deleted > 0)
            {
                PostgresStats.DropEmpty(connection, lastMinute);
            }

            transaction.Commit();
        }

        Execute(connection, """
            DELETE FROM log l USING (SELECT ts, id FROM log WHERE ts < @cutoff ORDER BY ts LIMIT @limit) o
            WHERE l.ts = o.ts AND l.id = o.id AND l.ts < @cutoff;
            """, ("cutoff", cutoff), ("limit", limit));
        if (deleted < limit)
        {
            Execute(connection, "DELETE FROM ingest_batch WHERE committed < @cutoff; DELETE FROM log_batch WHERE committed < @cutoff;", ("cutoff", cutoff));
            long today = PostgresTime.Day(StoreText.ToUnixMicroseconds(DateTimeOffset.UtcNow));
            foreach (string table in PostgresPartitions.Tables)
            {
                // Created ahead, so the first write of a day does not wait for DDL.
                _partitions.Ensure(connection, table, [today, today + 1]);
            }
        }

        return (int)Math.Min(int.MaxValue, dropped + deleted);
    }

    /// <summary>
    /// For a size limit: drops the oldest day partition (never the last one left). Deleting rows would not make
    /// PostgreSQL's files smaller, so the size limit works in whole days; returns the spans dropped (0: nothing left to drop).
    /// </summary>
    public int PurgeOldest(int limit)
    {
        NpgsqlConnection connection = Writer();
        List<long> days = PostgresPartitions.Days(connection, "span");
        long today = PostgresTime.Day(StoreText.ToUnixMicroseconds(DateTimeOffset.UtcNow));
        for (int i = 0; i < days.Count - 1 && days[i] < today; i++)
        {
            long rows = _partitions.Drop(connection, "span", days[i]);
            // Logs of that day and older go with them.
            _partitions.DropBefore(connection, "log", (days[i] + 1) * PostgresTime.MicrosecondsPerDay);
            if (rows > 0)
            {
                return (int)Math.Min(int.MaxValue, rows);
            }
        }

        return 0;
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">Always: archives are SQLite files (<c>--archive-dir</c> needs <c>--db</c>).</exception>
    public int PurgeArchived(long? cutoffUnixMicroseconds, long throughSpanId, int limit) =>
        throw new NotSupportedException("--archive-dir writes SQLite archives; it does not apply to a PostgreSQL store");

    /// <inheritdoc />
    public long? OldestSpanId()
    {
        using var command = new NpgsqlCommand("SELECT id FROM span ORDER BY ts LIMIT 1;", Writer());
        return command.ExecuteScalar() is long id ? id : null;
    }

    /// <inheritdoc />
    public void ReleaseFreePages(int maxPages)
    {
        // Nothing to do: dropped partitions give their files back at once, and autovacuum reuses deleted rows' space.
    }

    /// <inheritdoc />
    public long SizeBytes() => UsedBytes();

    /// <inheritdoc />
    public long UsedBytes()
    {
        // A pooled connection: /api/status asks this on a request thread, which must not open a write connection of its own.
        using NpgsqlConnection connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand("""
            SELECT coalesce(sum(pg_total_relation_size(relid)), 0)::bigint FROM (
                SELECT relid FROM pg_partition_tree('span') UNION ALL SELECT relid FROM pg_partition_tree('log')
                UNION ALL SELECT 'site'::regclass UNION ALL SELECT 'instance'::regclass
                UNION ALL SELECT 'ingest_batch'::regclass UNION ALL SELECT 'log_batch'::regclass UNION ALL SELECT 'stats_minute'::regclass
                UNION ALL SELECT unnest(ARRAY['session_traces', 'session_timesteps', 'events', 'messages', 'experiments', 'systems', 'system_versions']::regclass[])) t;
            """, connection);
        return (long)command.ExecuteScalar()!;
    }

    /// <inheritdoc />
    public long SpanCount() => PostgresStats.Total(Writer());

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (NpgsqlConnection? connection in _connection.Values)
        {
            connection?.Dispose();
        }

        _connection.Dispose();
        _dataSource.Dispose();
    }

    // A broken connection (server restarted, network) is dropped and opened again on the next write; a write that
    // lost a race with another collector (a partition it dropped, a deadlock on shared keys) is tried once more.
    private T Retrying<T>(Func<T> write)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return write();
            }
            catch (PostgresException e) when (attempt == 0 && e.SqlState is PostgresErrorCodes.CheckViolation or PostgresErrorCodes.DeadlockDetected
                                                  or PostgresErrorCodes.UndefinedTable)
            {
                _partitions.Forget();
            }
            catch (NpgsqlException) when (_connection.Value is { FullState: not System.Data.ConnectionState.Open } broken)
            {
                broken.Dispose();
                _connection.Value = null;
                throw;
            }
        }
    }

    private static long Tomorrow() => PostgresTime.Day(StoreText.ToUnixMicroseconds(DateTimeOffset.UtcNow)) + 1;

    private NpgsqlConnection Writer()
    {
        if (_connection.Value is { State: System.Data.ConnectionState.Open } open)
        {
            return open;
        }

        _connection.Value?.Dispose();
        _connection.Value = null;
        NpgsqlConnection connection = _dataSource.OpenConnection();
        try
        {
            using var stage = new NpgsqlCommand(StageSql, connection);
            stage.ExecuteNonQuery();
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _connection.Value = connection;
        return connection;
    }

    // Which of the batches to store: those without a batch id, and the first of each batch id not committed before
    // (committed with the rows, so a batch sent again after a lost answer, to this collector or another, stores nothing).
    private static bool[] ClaimBatches(NpgsqlConnection connection, IReadOnlyList<SpanBatch> batches)
    {
        var claimed = new bool[batches.Count];
        var ids = new List<string>();
        var counts = new List<int>();
        for (int b = 0; b < batches.Count; b++)
        {
            if (batches[b].BatchId is { } id)
            {
                ids.Add(id);
                counts.Add(batches[b].Spans.Count);
            }
            else
            {
                claimed[b] = true;
            }
        }

        if (ids.Count == 0)
        {
            return claimed;
        }

        var fresh = new HashSet<string>(StringComparer.Ordinal);
        using (var command = new NpgsqlCommand("""
            INSERT INTO ingest_batch (batch_id, committed, spans) SELECT b, now(), c FROM unnest(@ids, @counts) AS u(b, c)
            ON CONFLICT DO NOTHING RETURNING batch_id;
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids.ToArray() });
            command.Parameters.Add(new NpgsqlParameter("counts", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = counts.ToArray() });
            using NpgsqlDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                fresh.Add(reader.GetString(0));
            }
        }

        for (int b = 0; b < batches.Count; b++)
        {
            // The same id twice in one group: the first one claims it.
            if (batches[b].BatchId is { } id && fresh.Remove(id))
            {
                claimed[b] = true;
            }
        }

        return claimed;
    }

    private static bool ClaimBatch(NpgsqlConnection connection, string table, string countColumn, string batchId, int count)
    {
        // Committed with the rows: a batch sent again after a lost answer (to this collector or another) stores nothing.
        using var command = new NpgsqlCommand(
            $"INSERT INTO {table} (batch_id, committed, {countColumn}) VALUES (@batch, now(), @count) ON CONFLICT DO NOTHING;", connection);
        command.Parameters.AddWithValue("batch", batchId);
        command.Parameters.AddWithValue("count", count);
        return command.ExecuteNonQuery() == 1;
    }

    private long SiteId(NpgsqlConnection connection, string process, string? group, string? service)
    {
        if (_siteIds.TryGetValue((process, group, service), out long id))
        {
            return id;
        }

        using var command = new NpgsqlCommand("""
            INSERT INTO site (process, process_group, service) VALUES (@p, @g, @s) ON CONFLICT DO NOTHING;
            SELECT id FROM site WHERE process = @p AND process_group IS NOT DISTINCT FROM @g AND service IS NOT DISTINCT FROM @s;
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("p", NpgsqlDbType.Text) { Value = process });
        command.Parameters.Add(new NpgsqlParameter("g", NpgsqlDbType.Text) { Value = (object?)group ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Text) { Value = (object?)service ?? DBNull.Value });
        id = (long)command.ExecuteScalar()!;
        _siteIds.TryAdd((process, group, service), id);
        return id;
    }

    private long InstanceId(NpgsqlConnection connection, string name, string systemId, string instance)
    {
        if (_instanceIds.TryGetValue(instance, out long id))
        {
            return id;
        }

        using var command = new NpgsqlCommand("""
            INSERT INTO instance (system_name, system_id, system_instance_id) VALUES (@name, @id, @instance) ON CONFLICT DO NOTHING;
            SELECT id FROM instance WHERE system_instance_id = @instance;
            """, connection);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("id", systemId);
        command.Parameters.AddWithValue("instance", instance);
        id = (long)command.ExecuteScalar()!;
        _instanceIds.TryAdd(instance, id);
        return id;
    }

    private static int Execute(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }

    private static void WriteText(NpgsqlBinaryImporter copy, string? text)
    {
        if (text is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(text, NpgsqlDbType.Text);
        }
    }

    private static void WriteOptional(NpgsqlBinaryImporter copy, long? value)
    {
        if (value is { } v)
        {
            copy.Write(v, NpgsqlDbType.Bigint);
        }
        else
        {
            copy.WriteNull();
        }
    }
}
