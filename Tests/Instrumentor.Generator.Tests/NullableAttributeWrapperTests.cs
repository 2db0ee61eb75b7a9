using System.Collections.Generic;
using System.Linq;
using Instrumentor.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Tests;

/// <summary>
/// Markdig, every method monitored, built with 150 warnings in the generated file (CS9159 for
/// <c>[NotNullWhen]</c>/<c>[MaybeNullWhen]</c> out parameters, CS8770 for <c>[DoesNotReturn]</c> helpers): a project
/// with <c>TreatWarningsAsErrors</c> would not build. The generated file must add no warning to a user's build.
/// </summary>
public class NullableAttributeWrapperTests
{
    [Test]
    public void Nullable_flow_attributes_on_targets_add_no_warning_to_the_build()
    {
        const string source = """
            using System;
            using System.Collections.Generic;
            using System.Diagnostics.CodeAnalysis;
            using Instrumentor;
            namespace App;
            public class Lookup
            {
                private readonly Dictionary<int, string> _names = new() { [1] = "one" };
                [Monitor] public bool TryGet(int key, [NotNullWhen(true)] out string? name) => _names.TryGetValue(key, out name);
                [Monitor] public bool TryFind(int key, [MaybeNullWhen(false)] out string name) => _names.TryGetValue(key, out name);
                [Monitor] [return: NotNullIfNotNull(nameof(text))] public string? Echo(string? text) => text;
                [Monitor] public void Fill([NotNull] ref string? value) { value ??= "x"; }
                [Monitor] public bool Check([DoesNotReturnIf(false)] bool ok) => ok ? ok : throw new ArgumentException("no");
            }
            public static class ThrowHelper
            {
                [Monitor] [DoesNotReturn] public static void Fail(string message) => throw new InvalidOperationException(message);
                [Monitor] [DoesNotReturn] private static void FailPrivately(string message) => throw new InvalidOperationException(message);
                [Monitor] private static bool TryParse(string text, [NotNullWhen(true)] out string? value) { value = text.Length > 0 ? text : null; return value is not null; }
                public static string Use(string text) { if (!TryParse(text, out string? v)) { FailPrivately(text); } return v; }
            }
            public static class Entry
            {
                public static string Run(Lookup lookup)
                {
                    string? fill = null;
                    lookup.Fill(ref fill);
                    lookup.Check(true);
                    if (lookup.TryGet(1, out string? a) && lookup.TryFind(1, out string? b)) { return a + b + lookup.Echo(fill) + fill.Length; }
                    ThrowHelper.Use("x");
                    ThrowHelper.Fail("missing");
                    return "";
                }
            }
            """;

        GeneratorResult result = GeneratorHarness.Run(source);

        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.Output.SyntaxTrees.Count().ShouldBeGreaterThan(1, "the generator emitted nothing");
        IReadOnlyList<Diagnostic> problems = result.CompilationProblems;
        problems.ShouldBeEmpty(string.Join("\n", problems.Select(d => d.ToString())) + "\n" + result.GeneratedSource);
    }
}
