using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Instrumentor.Collector.Alerts.Config;

/// <summary>
/// Reads an alerts file (seed 004's format, docs/alerts.md) with Tomlyn's syntax tree rather than its object mapper:
/// the tree keeps the line and column of every key and value, so each mistake is reported where it is, and it needs no
/// reflection (the collector is AOT-compatible). The first problem found is the one reported.
/// </summary>
internal static class AlertConfigReader
{
    private const string SettingsTable = "alerts";
    private const string RuleTable = "alerts.rule";

    private static readonly string[] SettingKeys = ["check_interval_seconds", "query_timeout_seconds"];

    private static readonly string[] RuleKeys =
        ["name", "query", "threshold", "action", "url", "interval_seconds", "for_seconds", "severity", "cooldown_seconds", "sample_query"];

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <exception cref="AlertConfigException">The file cannot be read or is not a valid alerts file.</exception>
    public static AlertConfig ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new AlertConfigException($"{path}: cannot read the alerts file: {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Validates the text of an alerts file; <paramref name="path"/> names it in messages.</summary>
    /// <exception cref="AlertConfigException">The text is not a valid alerts file.</exception>
    public static AlertConfig Parse(string text, string path)
    {
        DocumentSyntax document = SyntaxParser.Parse(text, sourceName: path);
        foreach (DiagnosticMessage diagnostic in document.Diagnostics)
        {
            if (diagnostic.Kind == DiagnosticMessageKind.Error)
            {
                throw Fail(path, diagnostic.Span, "TOML syntax error: " + diagnostic.Message);
            }
        }

        foreach (KeyValueSyntax item in document.KeyValues)
        {
            throw Fail(path, item.Span, $"unknown key '{KeyName(item.Key)}' at the top of the file; settings go under [alerts], rules under [[alerts.rule]]");
        }

        TimeSpan checkInterval = AlertConfig.DefaultCheckInterval;
        TimeSpan queryTimeout = AlertConfig.DefaultQueryTimeout;
        var ruleTables = new List<TableSyntaxBase>();
        foreach (TableSyntaxBase table in document.Tables)
        {
            string name = KeyName(table.Name);
            if (table is TableSyntax && name == SettingsTable)
            {
                var items = new Items(path, table, "[alerts]", SettingKeys);
                checkInterval = items.Seconds("check_interval_seconds", allowZero: false) ?? checkInterval;
                queryTimeout = items.Seconds("query_timeout_seconds", allowZero: false) ?? queryTimeout;
            }
            else if (table is TableArraySyntax && name == RuleTable)
            {
                ruleTables.Add(table);
            }
            else
            {
                string written = table is TableArraySyntax ? $"[[{name}]]" : $"[{name}]";
                throw Fail(path, table.Span, $"unknown table {written}; an alerts file has [alerts] and [[alerts.rule]] tables");
            }
        }

        var rules = new List<AlertRule>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (TableSyntaxBase table in ruleTables)
        {
            AlertRule rule = ReadRule(path, table, checkInterval);
            if (!names.Add(rule.Name))
            {
                throw Fail(path, table.Span, $"a second rule named '{rule.Name}'; rule names must be unique");
            }

            rules.Add(rule);
        }

        return new AlertConfig { Path = path, CheckInterval = checkInterval, QueryTimeout = queryTimeout, Rules = rules };
    }

    private static AlertRule ReadRule(string path, TableSyntaxBase table, TimeSpan checkInterval)
    {
        var items = new Items(path, table, "[[alerts.rule]]", RuleKeys);
        string name = items.RequiredText("name");
        string where = $"rule '{name}'";
        string query = items.RequiredText("query", where);
        double threshold = items.Number("threshold", where) ?? throw items.Missing("threshold", where);
        string actionText = items.Text("action", where) ?? "log";
        AlertAction action = actionText switch
        {
            "log" => AlertAction.Log,
            "webhook" => AlertAction.Webhook,
            _ => throw items.Invalid("action", $"{where}: unknown action '{actionText}'; use \"log\" or \"webhook\""),
        };

        Uri? url = null;
        if (items.Text("url", where) is { } urlText)
        {
            if (action != AlertAction.Webhook)
            {
                throw items.Invalid("url", $"{where}: url is only used with action = \"webhook\"");
            }

            if (!Uri.TryCreate(urlText, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw items.Invalid("url", $"{where}: url '{urlText}' is not an absolute http:// or https:// URL");
            }
        }
        else if (action == AlertAction.Webhook)
        {
            throw Fail(path, table.Span, $"{where}: action = \"webhook\" needs url = \"http://...\"");
        }

        return new AlertRule
        {
            Name = name,
            Query = query,
            Threshold = threshold,
            Action = action,
            Url = url,
            Interval = items.Seconds("interval_seconds", allowZero: false, where) ?? checkInterval,
            For = items.Seconds("for_seconds", allowZero: true, where) ?? TimeSpan.Zero,
            Cooldown = items.Seconds("cooldown_seconds", allowZero: true, where) ?? TimeSpan.Zero,
            Severity = items.Text("severity", where) ?? "warning",
            SampleQuery = items.Text("sample_query", where),
        };
    }

    private static string KeyName(KeySyntax? key)
    {
        if (key is null)
        {
            return "";
        }

        var parts = new List<string> { Part(key.Key) };
        foreach (DottedKeyItemSyntax dotted in key.DotKeys)
        {
            parts.Add(Part(dotted.Key));
        }

        return string.Join('.', parts);

        static string Part(BareKeyOrStringValueSyntax? part) => part switch
        {
            BareKeySyntax bare => bare.Key?.Text ?? "",
            StringValueSyntax quoted => quoted.Value ?? "",
            _ => "",
        };
    }

    private static AlertConfigException Fail(string path, SourceSpan span, string message) =>
        // Tomlyn's positions are zero-based; editors count from 1.
        new($"{path}:{span.Start.Line + 1}:{span.Start.Column + 1}: {message}");

    /// <summary>The key/value pairs of one table, checked against the keys it may have.</summary>
    private sealed class Items
    {
        private readonly string _path;
        private readonly TableSyntaxBase _table;
        private readonly Dictionary<string, KeyValueSyntax> _items = new(StringComparer.Ordinal);

        public Items(string path, TableSyntaxBase table, string tableName, string[] allowed)
        {
            _path = path;
            _table = table;
            foreach (KeyValueSyntax item in table.Items)
            {
                string key = KeyName(item.Key);
                if (Array.IndexOf(allowed, key) < 0)
                {
                    throw Fail(path, item.Span, $"unknown key '{key}' in {tableName}; known keys: {string.Join(", ", allowed)}");
                }

                _items[key] = item;
            }
        }

        public string RequiredText(string key, string? where = null) =>
            Text(key, where) is { Length: > 0 } text ? text : throw Missing(key, where ?? "a rule");

        public string? Text(string key, string? where = null)
        {
            if (!_items.TryGetValue(key, out KeyValueSyntax? item))
            {
                return null;
            }

            return item.Value is StringValueSyntax text
                ? text.Value ?? ""
                : throw Invalid(key, $"{Prefix(where)}{key} must be a string (in quotes), not {Describe(item.Value)}");
        }

        public double? Number(string key, string where)
        {
            if (!_items.TryGetValue(key, out KeyValueSyntax? item))
            {
                return null;
            }

            return item.Value switch
            {
                IntegerValueSyntax integer => integer.Value,
                FloatValueSyntax number when double.IsFinite(number.Value) => number.Value,
                _ => throw Invalid(key, $"{where}: {key} must be a number, not {Describe(item.Value)}"),
            };
        }

        public TimeSpan? Seconds(string key, bool allowZero, string? where = null)
        {
            if (!_items.TryGetValue(key, out KeyValueSyntax? item))
            {
                return null;
            }

            double? seconds = item.Value switch
            {
                IntegerValueSyntax integer => integer.Value,
                FloatValueSyntax number when double.IsFinite(number.Value) => number.Value,
                _ => null,
            };
            if (seconds is not { } value || value < 0 || (value == 0 && !allowZero) || value > TimeSpan.FromDays(365).TotalSeconds)
            {
                string range = allowZero ? "0 or more" : "more than 0";
                throw Invalid(key, $"{Prefix(where)}{key} must be a number of seconds, {range}, not {Describe(item.Value)}");
            }

            return TimeSpan.FromSeconds(value);
        }

        public AlertConfigException Missing(string key, string where) =>
            Fail(_path, _table.Span, $"{where}: missing {key} = ...");

        public AlertConfigException Invalid(string key, string message) =>
            Fail(_path, _items.TryGetValue(key, out KeyValueSyntax? item) && item.Value is { } value ? value.Span : _table.Span, message);

        private static string Prefix(string? where) => where is null ? "" : where + ": ";

        private static string Describe(ValueSyntax? value) => value switch
        {
            StringValueSyntax text => $"the string \"{text.Value}\"",
            IntegerValueSyntax integer => integer.Value.ToString(CultureInfo.InvariantCulture),
            FloatValueSyntax number => number.Value.ToString(CultureInfo.InvariantCulture),
            BooleanValueSyntax boolean => boolean.Value ? "true" : "false",
            ArraySyntax => "an array",
            InlineTableSyntax => "a table",
            DateTimeValueSyntax => "a date",
            _ => "that value",
        };
    }
}
