using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Collector.Alerts.Actions;
using Instrumentor.Collector.Alerts.Config;
using Instrumentor.Collector.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Collector.Tests.Alerts;

/// <summary>A real collector on 127.0.0.1 with an alerts file, its output captured line by line.</summary>
internal sealed class AlertsHarness : IAsyncDisposable
{
    // A safety net for waits, never a measured time: rules here run every 0.3 s.
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory;

    private AlertsHarness(TempDirectory directory, RunningCollector collector, string alertsFile, LineWriter output)
    {
        _directory = directory;
        Collector = collector;
        AlertsFile = alertsFile;
        Output = output;
    }

    public RunningCollector Collector { get; }

    public string AlertsFile { get; }

    public LineWriter Output { get; }

    /// <param name="alertsToml">The alerts file.</param>
    /// <param name="postgres">A PostgreSQL connection string: the collector stores there and rules run as PostgreSQL SQL.</param>
    public static async Task<AlertsHarness> StartAsync(string alertsToml, string? postgres = null)
    {
        var directory = new TempDirectory("alerts");
        string file = directory.Combine("alerts.toml");
        await File.WriteAllTextAsync(file, alertsToml);
        AlertConfig config = AlertConfigReader.ReadFile(file);
        var output = new LineWriter();
        RunningCollector collector = await RunningCollector.StartAsync(o => o with
        {
            Alerts = config,
            AlertOutput = output,
            Postgres = postgres,
            Webhooks = new WebhookOptions { FirstDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100), AttemptTimeout = TimeSpan.FromSeconds(2) },
        });
        return new AlertsHarness(directory, collector, file, output);
    }

    /// <summary>The rule's entry in <c>GET /api/alerts</c>.</summary>
    public async Task<JsonElement> RuleAsync(string name)
    {
        JsonElement answer = await Collector.GetJsonAsync("/api/alerts");
        return answer.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("name").GetString() == name);
    }

    /// <summary>Polls <c>/api/alerts</c> until <paramref name="condition"/> holds for the rule.</summary>
    public async Task<JsonElement> WaitForRuleAsync(string name, Func<JsonElement, bool> condition, string what)
    {
        DateTime giveUp = DateTime.UtcNow + Patience;
        JsonElement rule;
        do
        {
            rule = await RuleAsync(name);
            if (condition(rule))
            {
                return rule;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < giveUp);

        throw new AssertionException($"rule '{name}' never got {what}; last seen: {rule}");
    }

    /// <summary>Polls until the whole <c>/api/alerts</c> answer satisfies <paramref name="condition"/>.</summary>
    public async Task<JsonElement> WaitForAnswerAsync(Func<JsonElement, bool> condition, string what)
    {
        DateTime giveUp = DateTime.UtcNow + Patience;
        JsonElement answer;
        do
        {
            answer = await Collector.GetJsonAsync("/api/alerts");
            if (condition(answer))
            {
                return answer;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < giveUp);

        throw new AssertionException($"/api/alerts never showed {what}; last seen: {answer}");
    }

    public async Task PostSpanAsync(string status, string process = "Shop.Orders.Place", string? exception = null)
    {
        using System.Net.Http.HttpResponseMessage response = await Collector.PostJsonAsync("/v1/uploads",
            Events.Batch([Events.Event(process: process, status: status, exception: exception)]));
        ((int)response.StatusCode).ShouldBe(200, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Collector.DisposeAsync();
        _directory.Dispose();
    }
}
