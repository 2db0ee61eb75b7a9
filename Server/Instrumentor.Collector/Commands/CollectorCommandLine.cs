using System.CommandLine;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Collector.Commands;

/// <summary>
/// <c>instrumentor serve | tail | stats | purge | archive</c> (DESIGN.md §7). Exit codes: 0 done, 1 failed (store or collector
/// unreachable), 2 bad usage (unknown flag, bad value, unsafe combination), with a message on stderr.
/// </summary>
internal static class CollectorCommandLine
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public static RootCommand Build() => new("Instrumentor collector: receives spans over HTTP, stores them in SQLite and serves the query API.")
    {
        ServeCommand.Build(),
        TailCommand.Build(),
        StatsCommand.Build(),
        PurgeCommand.Build(),
        ArchiveCommand.Build(),
    };

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        output ??= System.Console.Out;
        error ??= System.Console.Error;
        ParseResult parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError problem in parse.Errors)
            {
                await error.WriteLineAsync("instrumentor: " + problem.Message).ConfigureAwait(false);
            }

            string command = parse.CommandResult.Command is RootCommand ? "" : parse.CommandResult.Command.Name + " ";
            await error.WriteLineAsync($"Run 'instrumentor {command}--help' for the options.").ConfigureAwait(false);
            return Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
    }
}
