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
/// left). A spool of OTLP batches (<c>binary</c>) keeps each protobuf body as base64 in <c>"body64"</c> instead.
/// </summary>
internal sealed class FallbackSpool
{
    private readonly string _path;
    private readonly bool _binary;

    internal FallbackSpool(string path, bool binary = false)
    {
        _path = Path.GetFullPath(path);
        _binary = binary;
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
            if (_binary)
            {
                writer.WriteBase64String("body64", body);
            }
            else
            {
                writer.WritePropertyName("body");
                writer.WriteRawValue(body, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        stream.Flush(flushToDisk: true);
        PendingLines += lines;
    }

    /// <summary>
    /// The batches in the file, oldest first, read lazily (a replay that stops at the first failure parses no more),
    /// each with its line number in the file. A torn line (a crash while appending) is skipped.
    /// </summary>
    internal IEnumerable<(SpooledBatch Batch, int Line)> Read()
    {
        if (!File.Exists(_path))
        {
            yield break;
        }

        int number = -1;
        foreach (string line in File.ReadLines(_path, Encoding.UTF8))
        {
            number++;
            if (Parse(line) is { } batch)
            {
                yield return (batch, number);
            }
        }
    }

    /// <summary>
    /// Removes the lines up to and including <paramref name="line"/> (batches delivered), replacing the file
    /// atomically: a crash leaves either the old file (its delivered batches are sent again and deduplicated by
    /// their ids) or the new one.
    /// </summary>
    internal void DropThrough(int line)
    {
        string temporary = _path + ".tmp";
        long pending = 0;
        using (var output = new StreamWriter(temporary, append: false, new UTF8Encoding(false)))
        {
            int number = -1;
            foreach (string text in File.ReadLines(_path, Encoding.UTF8))
            {
                if (++number <= line || Parse(text) is not { } batch)
                {
                    continue;
                }

                output.Write(text);
                output.Write('\n');
                pending += batch.Lines;
            }

            output.Flush();
            ((FileStream)output.BaseStream).Flush(flushToDisk: true);
        }

        if (pending == 0)
        {
            File.Delete(_path);
            File.Delete(temporary);
        }
        else
        {
            File.Move(temporary, _path, overwrite: true);
        }

        PendingLines = pending;
    }

    private SpooledBatch? Parse(string line)
    {
        if (line.Length == 0)
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            string batchId = root.GetProperty("batch_id").GetString() ?? throw new JsonException("batch_id is null");
            int lines = root.GetProperty("lines").GetInt32();
            byte[] body = root.TryGetProperty("body64", out JsonElement encoded)
                ? encoded.GetBytesFromBase64()
                : Encoding.UTF8.GetBytes(root.GetProperty("body").GetRawText());
            return new SpooledBatch(batchId, lines, body);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            SelfDiagnostics.Warning($"Instrumentor.Logging: skipped a torn line of the fallback file {_path}: {e.Message}");
            return null;
        }
    }

    private long Count()
    {
        long lines = 0;
        foreach ((SpooledBatch batch, _) in Read())
        {
            lines += batch.Lines;
        }

        return lines;
    }
}
