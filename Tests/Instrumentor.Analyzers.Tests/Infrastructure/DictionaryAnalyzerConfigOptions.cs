using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Instrumentor.Analyzers.Tests.Infrastructure;

/// <summary>Analyzer config options backed by a dictionary, as the SDK's generated global config would provide.</summary>
internal sealed class DictionaryAnalyzerConfigOptions : AnalyzerConfigOptions
{
    public static readonly DictionaryAnalyzerConfigOptions Empty = new(ImmutableDictionary<string, string>.Empty);

    private readonly IReadOnlyDictionary<string, string> _values;

    public DictionaryAnalyzerConfigOptions(IReadOnlyDictionary<string, string> values) => _values = values;

    public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
}
