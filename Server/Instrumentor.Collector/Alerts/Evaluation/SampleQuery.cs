using System.Text.RegularExpressions;
using Instrumentor.Collector.Alerts.Config;

namespace Instrumentor.Collector.Alerts.Evaluation;

/// <summary>
/// The SQL that lists a few of the rows a rule counted, sent with a firing as its <c>sample</c>: the rule's
/// <c>sample_query</c> when given, else its query with <c>SELECT COUNT(*)</c> turned into <c>SELECT *</c> (newest first
/// when it has no grouping or ordering of its own). Other shapes have no sample unless <c>sample_query</c> says one.
/// </summary>
internal static partial class SampleQuery
{
    public const int Limit = 5;

    public static string? For(AlertRule rule)
    {
        if (rule.SampleQuery is { } given)
        {
            return given;
        }

        Match count = CountQuery().Match(rule.Query);
        if (!count.Success)
        {
            return null;
        }

        string rest = count.Groups["rest"].Value.TrimEnd().TrimEnd(';');
        string order = OwnShape().IsMatch(rest) ? "" : " ORDER BY ts DESC";
        return $"SELECT * FROM {rest}{order}";
    }

    [GeneratedRegex(@"^\s*SELECT\s+COUNT\s*\(\s*\*\s*\)\s+FROM\s+(?<rest>.+)$", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex CountQuery();

    [GeneratedRegex(@"\b(GROUP\s+BY|ORDER\s+BY|LIMIT|UNION|HAVING|JOIN)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OwnShape();
}
