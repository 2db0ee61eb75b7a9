using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Archive;

/// <summary>
/// Writes consistent, compact copies of a store with <c>VACUUM INTO</c> (seed 004's "daily VACUUM INTO"): a read-only
/// connection of its own reads one snapshot of the file (WAL: writers go on meanwhile), SQLite writes it packed into a
/// new file, and the copy is marked as an archive (table <c>archive_info</c>) so <c>serve --db</c> opens it read-only.
/// The copy is written under a <c>.partial</c> name and renamed when complete: a file with the archive name is whole.
/// </summary>
internal static class StoreArchiver
{
    /// <summary>The table that marks a file as an archive (one row: when, from where, through which span id).</summary>
    public const string MarkerTable = "archive_info";

    private const string Stamp = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>Writes an archive of <paramref name="storePath"/> into <paramref name="directory"/> (created if missing),
    /// named <c>STEM-20261202T192341Z.db</c> after the store's file name and the time.</summary>
    /// <exception cref="InvalidOperationException">The store cannot be read or the archive cannot be written.</exception>
    public static ArchiveResult Write(string storePath, string directory, DateTimeOffset now)
    {
        string source = Path.GetFullPath(storePath);
        string target = Path.Combine(Path.GetFullPath(directory), NameFor(source, now));
        for (int n = 1; File.Exists(target); n++)
        {
            target = Path.Combine(Path.GetFullPath(directory), $"{Stem(source)}-{now.UtcDateTime.ToString(Stamp, CultureInfo.InvariantCulture)}-{n}.db");
        }

        string partial = target + ".partial";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Delete(partial);
            using (SqliteConnection reader = Connect(source, SqliteOpenMode.ReadOnly))
            {
                using SqliteCommand vacuum = reader.CreateCommand();
                vacuum.CommandText = "VACUUM INTO $target;";
                vacuum.Parameters.AddWithValue("$target", partial);
                vacuum.ExecuteNonQuery();
            }

            (long spans, long through) = Mark(partial, source, now);
            File.Move(partial, target);
            return new ArchiveResult(target, new FileInfo(target).Length, spans, through, Alerts.Api.AlertTime.Format(now));
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            TryDelete(partial);
            throw new InvalidOperationException($"cannot archive {source} into {Path.GetDirectoryName(target)}: {e.Message}", e);
        }
    }

    /// <summary>Deletes the oldest archives of <paramref name="storePath"/> in <paramref name="directory"/> beyond the
    /// newest <paramref name="keep"/>; returns the paths deleted. Other files are never touched.</summary>
    public static IReadOnlyList<string> Prune(string storePath, string directory, int keep)
    {
        string[] archives = List(storePath, directory);
        var deleted = new List<string>();
        foreach (string old in archives.Take(Math.Max(0, archives.Length - keep)))
        {
            File.Delete(old);
            deleted.Add(old);
        }

        return deleted;
    }

    /// <summary>The archives of a store in a directory, oldest first (the dated names sort by time).</summary>
    public static string[] List(string storePath, string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        string stem = Stem(Path.GetFullPath(storePath));
        return Directory.GetFiles(directory, stem + "-*.db")
            .Where(f => IsArchiveName(Path.GetFileName(f), stem))
            .OrderBy(f => SortKey(Path.GetFileName(f), stem), StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Whether the SQLite file at <paramref name="path"/> is an archive (it has the marker table).</summary>
    public static bool IsArchive(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using SqliteConnection connection = Connect(Path.GetFullPath(path), SqliteOpenMode.ReadOnly);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = $name;";
        command.Parameters.AddWithValue("$name", MarkerTable);
        return (long)command.ExecuteScalar()! > 0;
    }

    /// <summary>Like <see cref="IsArchive"/>, for a path that may be missing or not a database (then false: the live
    /// store's own open reports what is wrong with it).</summary>
    public static bool IsArchiveFile(string path)
    {
        try
        {
            return IsArchive(path);
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private static (long Spans, long Through) Mark(string archive, string source, DateTimeOffset now)
    {
        using SqliteConnection connection = Connect(archive, SqliteOpenMode.ReadWrite);
        using SqliteCommand command = connection.CreateCommand();
        // VACUUM INTO keeps the source's WAL flag; an archive is read, never written: a rollback journal lets it be
        // opened read-only from a read-only place (no -shm file needed).
        command.CommandText = "PRAGMA journal_mode = DELETE;";
        command.ExecuteNonQuery();
        command.CommandText = "SELECT count(*), coalesce(max(id), 0) FROM span;";
        long spans, through;
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            reader.Read();
            spans = reader.GetInt64(0);
            through = reader.GetInt64(1);
        }

        command.CommandText = $"""
            CREATE TABLE {MarkerTable} (created TEXT NOT NULL, source TEXT NOT NULL, spans INTEGER NOT NULL, through_span_id INTEGER NOT NULL);
            INSERT INTO {MarkerTable} VALUES ($created, $source, $spans, $through);
            """;
        command.Parameters.AddWithValue("$created", Alerts.Api.AlertTime.Format(now));
        command.Parameters.AddWithValue("$source", source);
        command.Parameters.AddWithValue("$spans", spans);
        command.Parameters.AddWithValue("$through", through);
        command.ExecuteNonQuery();
        return (spans, through);
    }

    private static string NameFor(string source, DateTimeOffset now) =>
        $"{Stem(source)}-{now.UtcDateTime.ToString(Stamp, CultureInfo.InvariantCulture)}.db";

    private static string Stem(string source) => Path.GetFileNameWithoutExtension(source);

    // STEM-stamp.db before STEM-stamp-1.db, -2, … -10 (a plain ordinal sort puts "-" before "." and "10" before "2").
    private static string SortKey(string name, string stem)
    {
        string[] parts = name[(stem.Length + 1)..^3].Split('-');
        int n = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int k) ? k : 0;
        return $"{parts[0]}-{n:D6}";
    }

    private static bool IsArchiveName(string name, string stem)
    {
        // STEM-yyyyMMddTHHmmssZ.db or STEM-yyyyMMddTHHmmssZ-N.db
        string rest = name[(stem.Length + 1)..^3];
        string stamp = rest.Split('-')[0];
        return DateTime.TryParseExact(stamp, Stamp, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _);
    }

    private static SqliteConnection Connect(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
