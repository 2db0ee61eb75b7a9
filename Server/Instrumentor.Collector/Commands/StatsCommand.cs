using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Store;
using Instrumentor.Collector.Store.Sqlite;
using Spectre.Console;

namespace Instrumentor.Collector.Commands;

/// <summary><c>instrumentor stats</c>: a table per process (count, errors, p50/p95/p99) over the last <c>--since</c>.</summary>
internal static class StatsCommand
{
    public static Command Build()
    {
        Option<string> db = CommandOptions.Database();
        Option<Uri?> url = CommandOptions.Url();
        Option<string?> key = CommandOptions.Key();
        Option<TimeSpan?> since = CommandOptions.Duration("--since", "How far back to look. [default: 1h]");
        var command = new Command("stats", "Print per-process call counts, errors and latency percentiles (from --db, or a collector at --url).")
        {
            db, url, key, since,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            TimeSpan window = parse.GetValue(since) ?? TimeSpan.FromHours(1);
            DateTimeOffset to = DateTimeOffset.UtcNow;
            DateTimeOffset from = window == TimeSpan.Zero ? DateTimeOffset.UnixEpoch : to - window;
            IReadOnlyList<StatsItem> items;
            try
            {
                if (parse.GetValue(url) is { } uri)
                {
                    using var remote = new RemoteCollector(uri, parse.GetValue(key));
                    string query = string.Create(CultureInfo.InvariantCulture, $"?from={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}&buckets=1");
                    items = (await remote.StatsAsync(query, cancellationToken).ConfigureAwait(false)).Items;
                }
                else
                {
                    string path = parse.GetValue(db)!;
                    if (!File.Exists(path))
                    {
                        await error.WriteLineAsync($"instrumentor: no trace store at {Path.GetFullPath(path)}").ConfigureAwait(false);
                        return CollectorCommandLine.Failed;
                    }

                    items = new SqliteTraceQueries(Path.GetFullPath(path)).Stats(StoreText.ToUnixMicroseconds(from), null, null, 1);
                }
            }
            catch (Exception e) when (e is HttpRequestException or Microsoft.Data.Sqlite.SqliteException or InvalidDataException)
            {
                await error.WriteLineAsync("instrumentor: " + e.Message).ConfigureAwait(false);
                return CollectorCommandLine.Failed;
            }

            Write(ConsoleFor.Create(output), items, window);
            return CollectorCommandLine.Ok;
        });
        return command;
    }

    internal static void Write(IAnsiConsole console, IReadOnlyList<StatsItem> items, TimeSpan window)
    {
        if (items.Count == 0)
        {
            console.WriteLine($"No spans in the last {window}.");
            return;
        }

        var table = new Table().Title($"Spans per process, last {window}")
            .AddColumn("Process").AddColumn(new TableColumn("Count").RightAligned()).AddColumn(new TableColumn("Errors").RightAligned())
            .AddColumn(new TableColumn("Error %").RightAligned()).AddColumn(new TableColumn("p50 ms").RightAligned())
            .AddColumn(new TableColumn("p95 ms").RightAligned()).AddColumn(new TableColumn("p99 ms").RightAligned());
        foreach (StatsItem item in items)
        {
            table.AddRow(
                Markup.Escape(item.Process),
                item.Count.ToString(CultureInfo.InvariantCulture),
                item.Errors > 0 ? $"[red]{item.Errors.ToString(CultureInfo.InvariantCulture)}[/]" : "0",
                (item.ErrorRate * 100).ToString("0.0", CultureInfo.InvariantCulture),
                Ms(item.P50Ms), Ms(item.P95Ms), Ms(item.P99Ms));
        }

        console.Write(table);
    }

    private static string Ms(double? ms) => ms is { } value ? value.ToString(value < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture) : "-";
}
