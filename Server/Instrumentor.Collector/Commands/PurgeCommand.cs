using System;
using System.CommandLine;
using System.IO;
using Instrumentor.Collector.Retention;
using Instrumentor.Collector.Store;
using Instrumentor.Collector.Store.Sqlite;

namespace Instrumentor.Collector.Commands;

/// <summary><c>instrumentor purge --older-than 1d</c>: deletes old spans and logs in small batches and shrinks the file.</summary>
internal static class PurgeCommand
{
    public static Command Build()
    {
        Option<string> db = CommandOptions.Database();
        Option<TimeSpan?> olderThan = CommandOptions.Duration("--older-than", "Delete spans and logs that started longer ago than this (1d, 12h).", required: true);
        var command = new Command("purge", "Delete old spans and logs from a store (safe while an application or a collector writes it).")
        {
            db, olderThan,
        };
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            string path = parse.GetValue(db)!;
            if (!File.Exists(path))
            {
                error.WriteLine($"instrumentor: no trace store at {Path.GetFullPath(path)}");
                return CollectorCommandLine.Failed;
            }

            long cutoff = StoreText.ToUnixMicroseconds(DateTimeOffset.UtcNow - parse.GetValue(olderThan)!.Value);
            try
            {
                using SqliteTraceStore store = SqliteTraceStore.Open(path);
                long before = store.SizeBytes();
                long deleted = 0;
                int n;
                do
                {
                    n = store.PurgeOlderThan(cutoff, RetentionService.BatchSize);
                    deleted += n;
                }
                while (n == RetentionService.BatchSize);

                store.ReleaseFreePages(int.MaxValue);
                output.WriteLine($"Deleted {deleted} spans older than {StoreText.Timestamp(cutoff)} UTC from {store.Location} ({before} → {store.SizeBytes()} bytes).");
                return CollectorCommandLine.Ok;
            }
            catch (Exception e) when (e is InvalidOperationException or Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                error.WriteLine("instrumentor: " + e.Message);
                return CollectorCommandLine.Failed;
            }
        });
        return command;
    }
}
