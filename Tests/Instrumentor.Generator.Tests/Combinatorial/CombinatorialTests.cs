using System;
using System.Collections.Generic;
using System.Linq;
using Instrumentor.Testing;

namespace Instrumentor.Generator.Tests.Combinatorial;

/// <summary>
/// The generator never breaks a build (DESIGN.md §3): thousands of seeded combinations of declaration and call-site
/// features, compiled many to a compilation, must give zero errors (and no warning in the generated file), and a
/// sample of them must behave exactly as without the generator.
/// </summary>
/// <remarks>
/// <c>INSTRUMENTOR_COMBINATIONS</c> overrides how many are drawn (and <c>INSTRUMENTOR_COMBINATION_SEED</c> the seed),
/// to search further when the generator changes; a failure names the combination and shows its source.
/// </remarks>
[NonParallelizable]
public class CombinatorialTests
{
    private const int DefaultCount = 2000;
    private const int BatchSize = 250;
    private const int RunPerBatch = 12;

    private static readonly List<CombinationBatch> s_batches = new();

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("INSTRUMENTOR_COMBINATION_SEED"), out int seed) ? seed : 20261201;

    private static int Count => int.TryParse(Environment.GetEnvironmentVariable("INSTRUMENTOR_COMBINATIONS"), out int count) ? count : DefaultCount;

    [OneTimeSetUp]
    public void CompileEveryCombination()
    {
        foreach (Combination[] chunk in CombinationSampler.DrawMany(Seed, Count).Chunk(BatchSize))
        {
            s_batches.Add(CombinationBatch.Compile(chunk));
        }
    }

    [Test]
    public void The_draw_covers_every_feature_with_mostly_valid_CSharp()
    {
        List<Combination> valid = s_batches.SelectMany(b => b.Valid).ToList();
        valid.Count.ShouldBeGreaterThan(Count * 3 / 4, "most combinations must be valid C#, or the test checks little");
        Covers(valid, c => c.Kind);
        Covers(valid, c => c.Container);
        Covers(valid, c => c.Nesting);
        Covers(valid, c => c.MethodGenerics);
        Covers(valid, c => c.Visibility);
        Covers(valid, c => c.Return);
        Covers(valid, c => c.CallSite);
        Enum.GetValues<ParameterKind>().Where(p => !valid.Any(c => c.Parameters.Contains(p))).ShouldBeEmpty("parameter kinds never drawn validly");
        Constraint.All.Where(k => !valid.Any(c => c.MethodConstraint == k)).Select(k => k.Name).ShouldBeEmpty("method constraints never drawn validly");
        valid.ShouldContain(c => c.Recursive && c.MethodGenerics != MethodGenerics.None);
        valid.ShouldContain(c => c.Kind == MethodKind.Static && c.Container == ContainerKind.StaticClass && c.Visibility == Visibility.Private);
    }

    [Test]
    public void Every_combination_compiles_with_the_generator_without_errors_or_generated_warnings()
    {
        List<string> failures = s_batches.SelectMany(b => b.Failures).ToList();

        failures.ShouldBeEmpty($"{failures.Count} combinations break the build (seed {Seed}); the first:\n\n" + string.Join("\n\n", failures.Take(3)));
    }

    [Test]
    public void A_sample_behaves_exactly_as_without_the_generator_and_is_traced()
    {
        var differences = new List<string>();
        var untracedButIntercepted = new List<string>();
        int ran = 0;
        using (TracingScope tracing = TracingScope.Start())
        {
            var intercepted = new List<Combination>();
            foreach (CombinationBatch batch in s_batches.Where(b => b.Failures.Count == 0))
            {
                foreach ((Combination combination, string untraced, string traced) in batch.Run(batch.Valid.Take(RunPerBatch)))
                {
                    ran++;
                    if (untraced != traced)
                    {
                        differences.Add($"{combination.Describe()}\n  untraced: {untraced}\n  traced:   {traced}\n{batch.SourceOf(combination.Index)}");
                    }

                    if (batch.Intercepted.Contains(combination.Index))
                    {
                        intercepted.Add(combination);
                    }
                }
            }

            IReadOnlyList<RecordedSpan> spans = tracing.Flush();
            var processes = spans.Select(s => s.Process.Split('.')[0]).ToHashSet();
            // A method with sample rate 0, called as a root, records only a failure.
            untracedButIntercepted.AddRange(intercepted
                .Where(c => (!CombinationSource.Unsampled(c) || c.Throws) && !processes.Contains(CombinationSource.Namespace(c)))
                .Select(c => c.Describe()));
            intercepted.ShouldContain(c => CombinationSource.Unsampled(c) && c.Throws, "the unsampled-root path's failures must be checked too");
            intercepted.ShouldNotBeEmpty("the span check below would check nothing");
        }

        ran.ShouldBeGreaterThan(0);
        differences.ShouldBeEmpty($"{differences.Count} of {ran} behave differently; the first:\n\n" + string.Join("\n\n", differences.Take(3)));
        untracedButIntercepted.ShouldBeEmpty("intercepted, yet no span recorded");
    }

    private static void Covers<T>(IReadOnlyList<Combination> valid, Func<Combination, T> feature)
        where T : struct, Enum =>
        Enum.GetValues<T>().Where(v => !valid.Any(c => feature(c).Equals(v))).ShouldBeEmpty($"{typeof(T).Name} values never drawn validly");
}
