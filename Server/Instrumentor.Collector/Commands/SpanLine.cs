using System;
using System.Globalization;
using System.Linq;
using Instrumentor.Collector.Json;
using Spectre.Console;

namespace Instrumentor.Collector.Commands;

/// <summary>One span as a line of <c>instrumentor tail</c>: time, status, duration, process, values, exception's first line.</summary>
internal static class SpanLine
{
    public static string Markup(SpanItem span)
    {
        string time = span.Ts.Length >= 23 ? span.Ts[11..23] : span.Ts;
        string status = span.Status == "ERR" ? "[red]ERR[/]" : "[green]OK [/]";
        string duration = span.DurationMs is { } ms ? ms.ToString(ms < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture) + " ms" : "-";
        string values = string.Join(", ", span.Data.Select(v => (v.Type == "OUTPUT" ? "→ " : v.Name + "=") + (v.Value ?? "null")));
        string exception = span.Exception is { } e ? " [red]" + Spectre.Console.Markup.Escape(e.Split('\n')[0].TrimEnd()) + "[/]" : "";
        return $"[grey]{time}[/] {status} {Spectre.Console.Markup.Escape(duration.PadLeft(10))} [bold]{Spectre.Console.Markup.Escape(span.Process)}[/]"
            + (values.Length > 0 ? " " + Spectre.Console.Markup.Escape(Shorten(values, 160)) : "") + exception;
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    public static bool Matches(SpanItem span, string? process, bool errorsOnly) =>
        (process is null || span.Process.Contains(process, StringComparison.OrdinalIgnoreCase)) && (!errorsOnly || span.Status == "ERR");
}
