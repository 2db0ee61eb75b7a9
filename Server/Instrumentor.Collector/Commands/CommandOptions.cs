using System;
using System.CommandLine;
using System.CommandLine.Parsing;

namespace Instrumentor.Collector.Commands;

/// <summary>The options several commands share, and parsers for durations and sizes that report bad values as parse errors (exit 2).</summary>
internal static class CommandOptions
{
    public static Option<string> Database() => new("--db")
    {
        Description = "The SQLite trace store (an application's traces.db works: it can keep writing). Env INSTRUMENTOR_DB.",
        HelpName = "FILE",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("INSTRUMENTOR_DB") is { Length: > 0 } db ? db : Hosting.CollectorOptions.DefaultDatabase,
    };

    public static Option<Uri?> Url() => new("--url")
    {
        Description = "Read from a running collector instead of a file, e.g. http://127.0.0.1:4318.",
        HelpName = "URL",
        CustomParser = result =>
        {
            string text = result.Tokens[0].Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }

            result.AddError($"--url: '{text}' is not an http:// or https:// URL");
            return null;
        },
    };

    public static Option<string?> Key() => new("--key")
    {
        Description = "The read key of the collector given with --url (sent as Authorization: Bearer). Env INSTRUMENTOR_API_KEY.",
        HelpName = "KEY",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("INSTRUMENTOR_API_KEY"),
    };

    public static Option<TimeSpan?> Duration(string name, string description, bool required = false) => new(name)
    {
        Description = description,
        HelpName = "DURATION",
        Required = required,
        CustomParser = result => ParseDuration(result, name),
    };

    private static TimeSpan? ParseDuration(ArgumentResult result, string name)
    {
        string text = result.Tokens[0].Value;
        if (DurationText.TryParse(text, out TimeSpan duration))
        {
            return duration;
        }

        result.AddError($"{name}: '{text}' is not a duration; use {DurationText.Help}");
        return null;
    }
}
