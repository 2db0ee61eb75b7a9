using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Hosting;

namespace Instrumentor.Collector.Commands;

/// <summary><c>instrumentor serve</c>: runs the collector until Ctrl+C or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Build()
    {
        Option<string> db = CommandOptions.Database();
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Store in PostgreSQL instead of the SQLite file, e.g. \"Host=db;Database=traces;Username=instrumentor\"; several collectors may share it. Env INSTRUMENTOR_POSTGRES.",
            HelpName = "CONNECTION",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("INSTRUMENTOR_POSTGRES") is { Length: > 0 } p ? p : null,
        };
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen, semicolon-separated. Without --api-key only loopback addresses are allowed. Env INSTRUMENTOR_URLS.",
            HelpName = "URLS",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("INSTRUMENTOR_URLS") is { Length: > 0 } u ? u : CollectorOptions.DefaultUrls,
        };
        var apiKeys = new Option<string[]>("--api-key")
        {
            Description = "A key ingest requests must send as 'Authorization: Bearer KEY'; repeat for several. Env INSTRUMENTOR_API_KEYS (comma-separated).",
            HelpName = "KEY",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var readKey = new Option<string?>("--read-key")
        {
            Description = "A key the query API requires (Authorization: Bearer KEY). Without it, the API keys open the query API too.",
            HelpName = "KEY",
        };
        Option<TimeSpan?> retention = CommandOptions.Duration("--retention", "Delete spans older than this; 0 keeps them. [default: 6h]");
        var maxSize = new Option<long?>("--max-size")
        {
            Description = "Keep the store under this size by deleting the oldest spans first (500MB, 2GB). [default: no limit]",
            HelpName = "SIZE",
            CustomParser = result =>
            {
                string text = result.Tokens[0].Value;
                if (SizeText.TryParse(text, out long bytes))
                {
                    return bytes;
                }

                result.AddError($"--max-size: '{text}' is not a size; use {SizeText.Help}");
                return null;
            },
        };
        var maxBody = new Option<long?>("--max-body")
        {
            Description = "Largest request body accepted (after gzip); larger ones get 413. [default: 4MB]",
            HelpName = "SIZE",
            CustomParser = result =>
            {
                string text = result.Tokens[0].Value;
                if (SizeText.TryParse(text, out long bytes))
                {
                    return bytes;
                }

                result.AddError($"--max-body: '{text}' is not a size; use {SizeText.Help}");
                return null;
            },
        };

        var alerts = new Option<string?>("--alerts")
        {
            Description = "Alert rules (TOML, see docs/alerts.md); reloaded on SIGHUP or when the file changes.",
            HelpName = "FILE",
        };

        var archiveDir = new Option<string?>("--archive-dir")
        {
            Description = "Write a compact, consistent copy of the store (VACUUM INTO, dated file name) into DIR every --archive-every; the purge then deletes only what an archive holds.",
            HelpName = "DIR",
        };
        Option<TimeSpan?> archiveEvery = CommandOptions.Duration("--archive-every", "How often --archive-dir gets a new archive. [default: 24h]");
        var archiveKeep = new Option<int?>("--archive-keep")
        {
            Description = "Keep only the newest N archives in --archive-dir. [default: all]",
            HelpName = "N",
        };
        var command = new Command("serve", "Run the collector: ingest (/v1/uploads, /v1/uploads/stream, /api/ingest), the query API (/api/...) and live spans (/api/live).")
        {
            db, postgres, urls, apiKeys, readKey, retention, maxSize, maxBody, alerts, archiveDir, archiveEvery, archiveKeep,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(archiveDir) is null && (result.GetResult(archiveEvery) is not null || result.GetResult(archiveKeep) is not null))
            {
                result.AddError("--archive-every and --archive-keep need --archive-dir");
            }

            if (result.GetValue(postgres) is not null && result.GetValue(archiveDir) is not null)
            {
                result.AddError("--archive-dir writes SQLite archives; it does not apply to --postgres");
            }

            if (result.GetValue(archiveEvery) is { } every && every <= TimeSpan.Zero)
            {
                result.AddError("--archive-every must be longer than 0");
            }

            if (result.GetValue(archiveKeep) is { } keep && keep < 1)
            {
                result.AddError("--archive-keep must be at least 1");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            string[] keys = parse.GetValue(apiKeys) is { Length: > 0 } given
                ? given
                : (Environment.GetEnvironmentVariable("INSTRUMENTOR_API_KEYS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Alerts.Config.AlertConfig? rules = null;
            if (parse.GetValue(alerts) is { } alertsFile)
            {
                try
                {
                    rules = Alerts.Config.AlertConfigReader.ReadFile(alertsFile);
                }
                catch (Alerts.Config.AlertConfigException e)
                {
                    // A collector must not start without the alerts its user asked for: bad usage, exit 2.
                    await parse.InvocationConfiguration.Error.WriteLineAsync("instrumentor: " + e.Message).ConfigureAwait(false);
                    return CollectorCommandLine.Usage;
                }
            }

            var options = new CollectorOptions
            {
                Database = parse.GetValue(db)!,
                Postgres = parse.GetValue(postgres),
                Urls = parse.GetValue(urls)!,
                ApiKeys = keys,
                ReadKey = parse.GetValue(readKey),
                Retention = parse.GetValue(retention) ?? TimeSpan.FromHours(6),
                MaxSizeBytes = parse.GetValue(maxSize),
                MaxBodyBytes = parse.GetValue(maxBody) ?? CollectorOptions.DefaultMaxBodyBytes,
                Alerts = rules,
                Archive = parse.GetValue(archiveDir) is { } dir
                    ? new Archive.ArchivePolicy(dir, parse.GetValue(archiveEvery) ?? TimeSpan.FromHours(24), parse.GetValue(archiveKeep))
                    : null,
                AlertOutput = parse.InvocationConfiguration.Output,
            };
            return await RunAsync(options, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    internal static async Task<int> RunAsync(CollectorOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (Auth.LoopbackCheck.NonLoopback(options.Urls).Count > 0 && options.ApiKeys.Count == 0)
        {
            await error.WriteLineAsync(
                $"instrumentor: refusing to listen on {options.Urls} without an API key: anyone on the network could write and read traces.\n" +
                "Give --api-key KEY (or INSTRUMENTOR_API_KEYS), or listen on a loopback address such as http://127.0.0.1:4318.").ConfigureAwait(false);
            return CollectorCommandLine.Usage;
        }

        CollectorServer server;
        try
        {
            server = await CollectorServer.StartAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync("instrumentor: " + e.Message).ConfigureAwait(false);
            return CollectorCommandLine.Failed;
        }

        await using (server.ConfigureAwait(false))
        {
            string retention = options.Retention == TimeSpan.Zero ? "kept forever" : $"kept {options.Retention.TotalHours:0.##} h";
            string size = options.MaxSizeBytes is { } max ? $", at most {max} bytes" : "";
            if (server.ReadOnly)
            {
                await output.WriteLineAsync($"Instrumentor collector: archive {server.Store.Location}, read-only (no ingest, no purge)").ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync($"Instrumentor collector: store {server.Store.Location} (spans {retention}{size})").ConfigureAwait(false);
            }

            if (options.Archive is { } archive)
            {
                string keep = archive.Keep is { } n ? $", the newest {n} kept" : "";
                await output.WriteLineAsync($"Archives: every {archive.Every.TotalHours:0.##} h into {Path.GetFullPath(archive.Directory)}{keep}").ConfigureAwait(false);
            }

            foreach (Uri address in server.Addresses)
            {
                await output.WriteLineAsync($"Listening on {address}").ConfigureAwait(false);
            }

            string auth = options.ApiKeys.Count > 0 ? "ingest needs an API key" : "no API key (loopback only)";
            await output.WriteLineAsync($"{auth}{(options.ReadKey is null ? "" : "; the query API needs the read key")}. Ctrl+C stops.").ConfigureAwait(false);
            if (options.Alerts is { } alerts)
            {
                await output.WriteLineAsync($"Alerts: {alerts.Rules.Count} rule(s) from {alerts.Path} (SIGHUP or saving the file reloads it)").ConfigureAwait(false);
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return CollectorCommandLine.Ok;
    }
}
