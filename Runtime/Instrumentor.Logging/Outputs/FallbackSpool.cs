using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Instrumentor.Logging;

/// <summary>
/// Batches the collector could not take, kept on disk until they are replayed: a JSON Lines file, one batch a line,
/// <c>{"batch_id": "...", "lines": N, "body": [ ...the exact array sent... ]}</c>. A batch keeps its id, so sending
/// it again after a lost answer (or a crash in the middle of a replay) stores nothing twice at the collector. Used
/// by the pipeline's one worker only (not thread-safe); survives restarts (a new process replays what the last one
/// left).
/// </summary>
internal sealed class FallbackSpool
{
    private readonly string _path;

    internal FallbackSpool(string path)
    {
        _path = Path.GetFullPath(path);
        PendingLines = Count();
    }

    /// <summary>The file.</summary>
    internal string FilePath => _path;

    /// <summary>Log lines waiting in the file (all batches).</summary>
    internal long PendingLines { get; private set; }

    internal bool HasPending => PendingLines > 0;

    /// <summary>Appends a batch and forces it to disk: once this returns, the lines survive a crash.</summary>
    internal void Append(string batchId, int lines, byte[] body)
    {
        string? directory = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("batch_id", batchId);
            writer.WriteNumber("lines", lines);
            writer.WritePropertyName("body");
            writer.WriteRawValue(body, skipInputValidation: true);
            writer.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        stream.Flush(flushToDisk: true);
        PendingLines += lines;
    }

    /// <summary>The batches in the file, oldest first. A torn last line (a crash while appending) is skipped.</summary>
    internal List<SpooledBatch> Read()
    {
        var batches = new List<SpooledBatch>();
        if (!File.Exists(_path))
        {
            return batches;
        }

        foreach (string line in File.ReadLines(_path, Encoding.UTF8))
        {
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                JsonElement root = document.RootElement;
                string batchId = root.GetProperty("batch_id").GetString() ?? throw new JsonException("batch_id is null");
                int lines = root.GetProperty("lines").GetInt32();
                byte[] body = Encoding.UTF8.GetBytes(root.GetProperty("body").GetRawText());
                batches.Add(new SpooledBatch(batchId, lines, body));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                SelfDiagnostics.Warning($"Instrumentor.Logging: skipped a torn line of the fallback file {_path}: {e.Message}");
            }
        }

        return batches;
    }

    /// <summary>
    /// Keeps only <paramref name="remaining"/> (the batches not yet delivered), replacing the file atomically: a crash
    /// leaves either the old file (its delivered batches are sent again and deduplicated) or the new one.
    /// </summary>
    internal void Keep(IReadOnlyList<SpooledBatch> remaining)
    {
        if (remaining.Count == 0)
        {
            File.Delete(_path);
            PendingLines = 0;
            return;
        }

        string temporary = _path + ".tmp";
        File.Delete(temporary);
        var spool = new FallbackSpool(temporary);
        foreach (SpooledBatch batch in remaining)
        {
            spool.Append(batch.BatchId, batch.Lines, batch.Body);
        }

        File.Move(temporary, _path, overwrite: true);
        PendingLines = spool.PendingLines;
    }

    private long Count()
    {
        long lines = 0;
        foreach (SpooledBatch batch in Read())
        {
            lines += batch.Lines;
        }

        return lines;
    }
}
