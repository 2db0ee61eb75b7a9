using System;
using System.IO;
using System.Text.Json;
using Instrumentor.Collector.Alerts.Api;

namespace Instrumentor.Collector.Alerts.Actions;

/// <summary>
/// The <c>log</c> action and the engine's own reports (failed rules, reloads): one JSON object per line, so a log shipper
/// or <c>jq</c> reads them as they are. Thread-safe; a broken output never stops the alerts.
/// </summary>
internal sealed class AlertLog
{
    private readonly TextWriter _output;
    private readonly object _gate = new();

    public AlertLog(TextWriter output) => _output = output;

    /// <summary>A rule fired or resolved.</summary>
    public void Transition(AlertMessage message) =>
        Write(new AlertLogLine(message.At, message.State == "firing" ? "warning" : "information", "alert." + message.State, message.Rule,
            message.State, message.Value, message.Threshold, message.Severity, null));

    /// <summary>Something about a rule or the file the user should know (a failing rule, a refused reload).</summary>
    public void Report(string level, string name, string? rule, string message) =>
        Write(new AlertLogLine(AlertTime.Format(DateTimeOffset.UtcNow), level, name, rule, null, null, null, null, message));

    private void Write(AlertLogLine line)
    {
        string json = JsonSerializer.Serialize(line, AlertJsonContext.Default.AlertLogLine);
        lock (_gate)
        {
            try
            {
                _output.WriteLine(json);
                _output.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The output is gone (closed pipe): alerts keep being evaluated and their state stays in /api/alerts.
            }
        }
    }
}
