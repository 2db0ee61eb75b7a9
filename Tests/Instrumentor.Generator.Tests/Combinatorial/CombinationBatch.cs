using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Instrumentor.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Instrumentor.Generator.Tests.Combinatorial;

/// <summary>
/// Compiles many combinations as one compilation (one syntax tree each, <c>Combo{index}.cs</c>): drops those C#
/// rejects without the generator, runs the generator over the rest and attributes every problem of the result to
/// the combination it comes from.
/// </summary>
internal sealed class CombinationBatch
{
    private static readonly Regex s_owner = new(@"Combo(\d+)\.cs|""C(\d+)\.", RegexOptions.Compiled);

    private static readonly MetadataReference s_microsoftCSharp =
        MetadataReference.CreateFromFile(typeof(Microsoft.CSharp.RuntimeBinder.Binder).Assembly.Location);

    private readonly Dictionary<int, Combination> _byIndex;
    private readonly Dictionary<int, string> _sources;

    private CombinationBatch(IReadOnlyList<Combination> combinations)
    {
        _byIndex = combinations.ToDictionary(c => c.Index);
        _sources = combinations.ToDictionary(c => c.Index, CombinationSource.Write);
    }

    /// <summary>The combinations that compile without the generator.</summary>
    public IReadOnlyList<Combination> Valid { get; private set; } = Array.Empty<Combination>();

    /// <summary>How many combinations C# rejects without the generator (not ours to compile).</summary>
    public int Invalid { get; private set; }

    /// <summary>The compilation of <see cref="Valid"/> without the generator.</summary>
    public Compilation Untraced { get; private set; } = null!;

    /// <summary>The same with the generator's output.</summary>
    public Compilation Traced { get; private set; } = null!;

    /// <summary>The compiled <see cref="Traced"/>, or <see langword="null"/> when it does not compile.</summary>
    public byte[]? TracedImage { get; private set; }

    /// <summary>The combinations with at least one intercepted call site.</summary>
    public IReadOnlySet<int> Intercepted { get; private set; } = new HashSet<int>();

    /// <summary>Every problem the generator caused, each with the combination's description and source.</summary>
    public IReadOnlyList<string> Failures { get; private set; } = Array.Empty<string>();

    public string SourceOf(int index) => _sources[index];

    public static CombinationBatch Compile(IReadOnlyList<Combination> combinations)
    {
        var batch = new CombinationBatch(combinations);
        batch.Run();
        return batch;
    }

    private void Run()
    {
        var trees = _byIndex.Keys.Select(i => CSharpSyntaxTree.ParseText(_sources[i], GeneratorHarness.ParseOptions, path: $"Combo{i}.cs")).ToList();
        CSharpCompilation all = CSharpCompilation.Create(
            "Combinations",
            trees,
            GeneratorHarness.References.Add(s_microsoftCSharp),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        // Emit, not GetDiagnostics: some errors (CS4007, interceptor signatures) appear only when calls are lowered.
        ImmutableArray<Diagnostic> before = all.Emit(System.IO.Stream.Null).Diagnostics;
        var rejected = before.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is not null)
            .Select(d => d.Location.SourceTree!).ToHashSet();
        Invalid = rejected.Count;
        CSharpCompilation valid = all.RemoveSyntaxTrees(rejected);
        Valid = valid.SyntaxTrees.Select(t => _byIndex[IndexOf(t.FilePath)]).ToList();
        Untraced = valid;

        GeneratorResult result = GeneratorHarness.Run(valid);
        Traced = result.Output;
        SyntaxTree? generated = result.Output.SyntaxTrees.FirstOrDefault(t => !valid.SyntaxTrees.Contains(t));
        string[] lines = generated?.GetText().ToString().Split('\n') ?? Array.Empty<string>();
        Intercepted = lines.SelectMany(l => Regex.Matches(l, @"// Combo(\d+)\.cs").Select(m => int.Parse(m.Groups[1].Value))).ToHashSet();

        // Emit, not GetDiagnostics: the compiler checks interceptor signatures (CS9144) only when it lowers the calls.
        using var image = new System.IO.MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = result.Output.Emit(image);
        TracedImage = emitted.Success ? image.ToArray() : null;
        var known = before.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(Key).ToHashSet();
        var problems = result.GeneratorDiagnostics
            .Concat(emitted.Diagnostics.Where(d =>
                d.Severity == DiagnosticSeverity.Error
                || (d.Severity == DiagnosticSeverity.Warning && (d.Location.SourceTree == generated || !known.Contains(Key(d))))))
            .ToList();
        // Some errors of C# itself (CS4007) appear only when the calls are lowered, which Emit skips while other
        // trees have binding errors: a combination with an error in its own tree is compiled alone, without the
        // generator, and is invalid (not ours) if it fails there too.
        var suspects = problems.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } t && t != generated)
            .Select(d => d.Location.SourceTree!).Distinct().ToList();
        if (suspects.Count > 0)
        {
            var alone = CSharpCompilation.Create("Suspects", suspects, all.References, all.Options);
            var rejectedAlone = alone.Emit(System.IO.Stream.Null).Diagnostics
                .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is not null)
                .Select(d => IndexOf(d.Location.SourceTree!.FilePath)).ToHashSet();
            problems = problems.Where(d => !rejectedAlone.Contains(Owner(d, generated, lines))).ToList();
            Invalid += rejectedAlone.Count;
            Valid = Valid.Where(c => !rejectedAlone.Contains(c.Index)).ToList();
        }

        var failures = new List<string>();
        foreach (IGrouping<int, Diagnostic> group in problems.GroupBy(d => Owner(d, generated, lines)).OrderBy(g => g.Key))
        {
            var message = new StringBuilder();
            message.AppendLine(group.Key < 0 ? "Unattributed:" : _byIndex[group.Key].Describe());
            foreach (Diagnostic diagnostic in group)
            {
                message.AppendLine("  " + diagnostic);
                if (diagnostic.Location.SourceTree == generated)
                {
                    int line = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
                    message.AppendLine("    > " + lines[line].Trim());
                }
            }

            if (group.Key >= 0)
            {
                message.AppendLine(_sources[group.Key]);
                message.AppendLine("Generated:");
                message.AppendLine(WrappersOf(group.Key, lines));
            }

            failures.Add(message.ToString());
        }

        Failures = failures;
    }

    /// <summary>
    /// Runs <c>Entry.Run()</c> of <paramref name="sample"/> (valid combinations of this batch) compiled without and with
    /// the generator, in one small compilation each, and returns both results per combination.
    /// </summary>
    public IReadOnlyList<(Combination Combination, string Untraced, string Traced)> Run(IEnumerable<Combination> sample)
    {
        List<Combination> chosen = sample.ToList();
        var trees = chosen.Select(c => Untraced.SyntaxTrees.Single(t => t.FilePath == $"Combo{c.Index}.cs")).ToList();
        var untraced = CSharpCompilation.Create("Sample" + Guid.NewGuid().ToString("N"), trees, Untraced.References, (CSharpCompilationOptions)Untraced.Options);
        Compilation traced = GeneratorHarness.Run(untraced).Output;
        var results = new List<(Combination, string, string)>();
        using var plain = SampleAssembly.Load(untraced);
        using var wrapped = SampleAssembly.Load(traced);
        foreach (Combination combination in chosen)
        {
            string type = CombinationSource.Namespace(combination) + ".Entry";
            results.Add((combination, (string)plain.Invoke(type, "Run")!, (string)wrapped.Invoke(type, "Run")!));
        }

        return results;
    }

    private static string Key(Diagnostic d) => d.Id + "@" + d.Location.SourceTree?.FilePath + ":" + d.Location.SourceSpan;

    private static int IndexOf(string path) => int.Parse(path.Substring("Combo".Length, path.Length - "Combo".Length - ".cs".Length));

    /// <summary>The combination a diagnostic belongs to: its tree, or for the generated file the wrapper it is in.</summary>
    private static int Owner(Diagnostic diagnostic, SyntaxTree? generated, string[] lines)
    {
        SyntaxTree? tree = diagnostic.Location.SourceTree;
        if (tree is null)
        {
            Match m = s_owner.Match(diagnostic.GetMessage());
            return m.Success ? int.Parse(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) : -1;
        }

        if (tree != generated)
        {
            return IndexOf(tree.FilePath);
        }

        for (int line = diagnostic.Location.GetLineSpan().StartLinePosition.Line; line >= 0; line--)
        {
            Match m = s_owner.Match(lines[line]);
            if (m.Success)
            {
                return int.Parse(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value);
            }
        }

        return -1;
    }

    /// <summary>The generated lines from the first mention of the combination to the last, plus a little.</summary>
    private static string WrappersOf(int index, string[] lines)
    {
        int first = Array.FindIndex(lines, l => l.Contains($"Combo{index}.cs") || l.Contains($"\"C{index}."));
        int last = Array.FindLastIndex(lines, l => l.Contains($"Combo{index}.cs") || l.Contains($"\"C{index}."));
        if (first < 0)
        {
            return "(nothing)";
        }

        int end = Math.Min(lines.Length - 1, last + 40);
        return string.Join("\n", lines.Skip(first).Take(end - first + 1));
    }
}
