using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Logging;

/// <summary>
/// Writes lines into the local trace store's <c>log</c> table (schema v6, logical view <c>logs</c>), the file the
/// spans go to, so <c>instrumentor serve --db traces.db</c> shows an application's spans and their logs together.
/// One transaction a batch, on a connection opened the way every writer of the store opens it (<see cref="StoreConnection"/>).
/// </summary>
internal sealed class StoreOutput : ILogOutput
{
    private readonly string _path;
    private readonly string? _service;
    private readonly LoggingCounters _counters;
    private SqliteConnection? _connection;

    internal StoreOutput(string path, string? service, LoggingCounters counters)
    {
        _path = Path.GetFullPath(path);
        _service = service;
        _counters = counters;
    }

    public Task WriteAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
    {
        _connection ??= StoreConnection.Open(_path);
        using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        using SqliteCommand command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO log (ts, level, logger, message, trace_id, span_id, parent_span_id, exception, attributes, service)
            VALUES ($ts, $level, $logger, $message, $trace, $span, $parent, $exception, $attributes, $service);
            """;
        SqliteParameter[] parameters = new SqliteParameter[10];
        string[] names = ["$ts", "$level", "$logger", "$message", "$trace", "$span", "$parent", "$exception", "$attributes", "$service"];
        for (int i = 0; i < names.Length; i++)
        {
            parameters[i] = command.Parameters.Add(new SqliteParameter { ParameterName = names[i] });
        }

        command.Prepare();
        foreach (LogRecord record in batch)
        {
            parameters[0].Value = record.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
            parameters[1].Value = record.Level;
            parameters[2].Value = (object?)record.Logger ?? DBNull.Value;
            parameters[3].Value = record.Event;
            parameters[4].Value = (object?)record.TraceId ?? DBNull.Value;
            parameters[5].Value = (object?)record.SpanId ?? DBNull.Value;
            parameters[6].Value = (object?)record.ParentId ?? DBNull.Value;
            parameters[7].Value = record.Exception is { } exception ? ExceptionJson(exception) : DBNull.Value;
            parameters[8].Value = (object?)AttributesJson(record) ?? DBNull.Value;
            parameters[9].Value = (object?)(record.Service ?? _service) ?? DBNull.Value;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
        Interlocked.Add(ref _counters.WrittenToStore, batch.Count);
        return Task.CompletedTask;
    }

    public Task TickAsync(bool flushing, CancellationToken cancellationToken) => Task.CompletedTask;

    // The line's own fields are columns; the rest (state, scopes, event id) is the attributes object, as the collector stores it.
    private static string? AttributesJson(LogRecord record)
    {
        if (!LogRecordJson.HasFields(record))
        {
            return null;
        }

        return Json(writer =>
        {
            writer.WriteStartObject();
            LogRecordJson.WriteFields(writer, record);
            writer.WriteEndObject();
        });
    }

    private static string ExceptionJson(LogException exception) => Json(writer => LogRecordJson.WriteException(writer, exception));

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public ValueTask DisposeAsync()
    {
        _connection?.Dispose();
        return ValueTask.CompletedTask;
    }
}
