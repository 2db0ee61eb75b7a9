using System;
using System.Collections.Generic;

namespace Instrumentor.Collector.Alerts.Evaluation;

/// <summary>Runs rule SQL against the store, read-only and within a time limit. Thread-safe: rules run in parallel.</summary>
internal interface IRuleRunner
{
    /// <summary>The first column of the first row as a number (no row or NULL: 0).</summary>
    /// <exception cref="RuleFailedException">The query failed, tried to write, returned a non-number or ran out of time.</exception>
    double Value(string sql, TimeSpan timeout);

    /// <summary>Up to <paramref name="limit"/> rows, each column as text (null for NULL).</summary>
    /// <exception cref="RuleFailedException">The query failed or ran out of time.</exception>
    IReadOnlyList<IReadOnlyDictionary<string, string?>> Rows(string sql, int limit, TimeSpan timeout);
}
