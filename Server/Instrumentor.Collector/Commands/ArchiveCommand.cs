using System;
using System.CommandLine;
using System.IO;
using Instrumentor.Collector.Archive;
using Instrumentor.Collector.Store.Sqlite;

namespace Instrumentor.Collector.Commands;

/// <summary><c>instrumentor archive --into DIR</c>: a dated, compact, consistent copy of the store (<c>VACUUM INTO</c>),
/// written while an application or a collector keeps writing it; <c>serve --db</c> opens the copy read-only.</summary>
internal static class ArchiveCommand
{
    public static Command Build()
    {
        Option<string> db = CommandOptions.Database();
        var into = new Option<string>("--into")
        {
            Description = "The directory the archive goes into (created if missing); the file is named STORE-yyyyMMddTHHmmssZ.db.",
            HelpName = "DIR",
            Required = true,
        };
        var command = new Command("archive", "Write a compact, consistent copy of a store (safe while it is written); serve --db opens it read-only.")
        {
            db, into,
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

            try
            {
                if (StoreArchiver.IsArchive(path))
                {
                    error.WriteLine($"instrumentor: {Path.GetFullPath(path)} is already an archive; copy the file to ship it");
                    return CollectorCommandLine.Usage;
                }

                // Brings an application's own traces.db to the collector's schema first (like purge), so the archive
                // has everything serve reads.
                SqliteTraceStore.Open(path).Dispose();
                ArchiveResult result = StoreArchiver.Write(path, parse.GetValue(into)!, DateTimeOffset.UtcNow);
                output.WriteLine($"Archived {result.Spans} spans of {Path.GetFullPath(path)} into {result.Path} ({result.Bytes} bytes).");
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
