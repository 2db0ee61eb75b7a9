using System;
using System.CommandLine;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Store.Sqlite;
using Spectre.Console;

namespace Instrumentor.Collector.Commands;

/// <summary><c>instrumentor tail</c>: spans as they are stored, from a file or a running collector, until Ctrl+C.</summary>
internal static class TailCommand
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(250);

    public static Command Build()
    {
        Option<string> db = CommandOptions.Database();
        Option<Uri?> url = CommandOptions.Url();
        Option<string?> key = CommandOptions.Key();
        var process = new Option<string?>("--process") { Description = "Only spans whose process contains this text (case-insensitive).", HelpName = "TEXT" };
        var errors = new Option<bool>("--errors") { Description = "Only failed spans (status ERR)." };
        var command = new Command("tail", "Show spans live as they are stored, one line each (from --db, or a collector at --url).")
        {
            db, url, key, process, errors,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            string? processFilter = parse.GetValue(process);
            bool errorsOnly = parse.GetValue(errors);
            return parse.GetValue(url) is { } uri
                ? FromCollectorAsync(uri, parse.GetValue(key), processFilter, errorsOnly, output, error, cancellationToken)
                : FromFileAsync(parse.GetValue(db)!, processFilter, errorsOnly, output, error, cancellationToken);
        });
        return command;
    }

    private static async Task<int> FromFileAsync(string path, string? process, bool errorsOnly, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            await error.WriteLineAsync($"instrumentor: no trace store at {Path.GetFullPath(path)}").ConfigureAwait(false);
            return CollectorCommandLine.Failed;
        }

        IAnsiConsole console = ConsoleFor.Create(output);
        var queries = new SqliteTraceQueries(Path.GetFullPath(path));
        try
        {
            long last = queries.LastRowId();
            await output.WriteLineAsync($"Tailing {Path.GetFullPath(path)} (Ctrl+C stops)").ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (SpanItem span in queries.SpansAfter(last, 1_000))
                {
                    last = span.RowId;
                    if (SpanLine.Matches(span, process, errorsOnly))
                    {
                        console.MarkupLine(SpanLine.Markup(span));
                    }
                }

                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(s_poll, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            await error.WriteLineAsync($"instrumentor: cannot read {path}: {e.Message}").ConfigureAwait(false);
            return CollectorCommandLine.Failed;
        }

        return CollectorCommandLine.Ok;
    }

    private static async Task<int> FromCollectorAsync(Uri url, string? key, string? process, bool errorsOnly, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        IAnsiConsole console = ConsoleFor.Create(output);
        using var remote = new RemoteCollector(url, key);
        try
        {
            await output.WriteLineAsync($"Tailing {url} (Ctrl+C stops)").ConfigureAwait(false);
            await foreach (SpanItem span in remote.LiveAsync(errorsOnly ? "?status=ERR" : "", cancellationToken).ConfigureAwait(false))
            {
                if (SpanLine.Matches(span, process, errorsOnly))
                {
                    console.MarkupLine(SpanLine.Markup(span));
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"instrumentor: cannot reach {url}: {e.Message}").ConfigureAwait(false);
            return CollectorCommandLine.Failed;
        }

        return CollectorCommandLine.Ok;
    }
}
