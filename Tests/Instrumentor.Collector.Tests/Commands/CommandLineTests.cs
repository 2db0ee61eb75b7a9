using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Instrumentor.Collector.Commands;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Commands;

public class CommandLineTests
{
    private static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CollectorCommandLine.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Help_lists_the_commands()
    {
        (int exit, string output, _) = await Run("--help");

        exit.ShouldBe(0);
        foreach (string command in new[] { "serve", "tail", "stats", "purge", "archive" })
        {
            output.ShouldContain(command);
        }
    }

    [Test]
    public async Task Serve_help_describes_every_option()
    {
        (int exit, string output, _) = await Run("serve", "--help");

        exit.ShouldBe(0);
        foreach (string option in new[] { "--db", "--postgres", "--urls", "--api-key", "--read-key", "--retention", "--max-size", "--max-body", "--alerts" })
        {
            output.ShouldContain(option);
        }
    }

    [TestCase("serve", "--no-such-flag")]
    [TestCase("serve", "--retention", "soon")]
    [TestCase("serve", "--max-size", "big")]
    [TestCase("purge")]
    [TestCase("tail", "--url", "ftp://x")]
    [TestCase("launch")]
    public async Task A_bad_command_line_gives_a_message_and_exit_2(params string[] args)
    {
        (int exit, string output, string error) = await Run(args);

        exit.ShouldBe(2);
        error.ShouldStartWith("instrumentor: ");
        error.ShouldContain("--help");
    }

    [Test]
    public async Task Serve_refuses_a_network_address_without_an_api_key_with_exit_2()
    {
        (int exit, _, string error) = await Run("serve", "--urls", "http://0.0.0.0:4318", "--db", Path.Combine(Path.GetTempPath(), "never.db"));

        exit.ShouldBe(2);
        error.ShouldContain("refusing to listen on http://0.0.0.0:4318 without an API key");
    }

    [Test]
    public async Task Stats_prints_a_table_per_process_and_purge_deletes_old_spans()
    {
        string db;
        await using (RunningCollector collector = await RunningCollector.StartAsync())
        {
            DateTime now = DateTime.UtcNow;
            using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", Events.Batch(
                Enumerable.Range(0, 10).Select(i => Events.Event(process: "Shop.Api.Checkout", start: now.AddMinutes(-1), durationMs: i + 1))
                    .Append(Events.Event(process: "Shop.Db.Save", status: "ERR", start: now.AddMinutes(-2)))
                    .Append(Events.Event(process: "Shop.Old.Call", start: now.AddDays(-3)))));
            ((int)response.StatusCode).ShouldBe(200);
            db = collector.DatabasePath;

            (int exit, string output, _) = await Run("stats", "--db", db, "--since", "1h");

            exit.ShouldBe(0);
            string[] lines = output.Split('\n');
            lines.ShouldContain(l => l.Contains("Shop.Api.Checkout") && l.Contains(" 10 ") && l.Contains("5.000") && l.Contains("10.0"));
            lines.ShouldContain(l => l.Contains("Shop.Db.Save") && l.Contains("100.0"));
            output.ShouldNotContain("Shop.Old.Call");

            (int purged, string said, _) = await Run("purge", "--db", db, "--older-than", "1d");

            purged.ShouldBe(0);
            said.ShouldStartWith("Deleted 1 spans older than");
            collector.CountSpans().ShouldBe(11);
        }
    }
}
