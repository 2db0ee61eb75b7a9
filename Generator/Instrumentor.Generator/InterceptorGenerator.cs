using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Instrumentor.Generator.Emitter;
using Instrumentor.Generator.Parser;
using Instrumentor.Generator.Specs;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator;

/// <summary>
/// Intercepts every call to a [Monitor] method with a wrapper that traces it.
/// Pipeline: [Monitor]/[TraceTime] declarations (ForAttributeWithMetadataName) give the method specs;
/// invocations give the call sites; together they give one wrapper per method with all its call sites.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class InterceptorGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<EquatableArray<TargetMethodSpec>> monitored = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.MonitorAttribute, IsDeclaration, DeclarationParser.Parse)
            .WithTrackingName(TrackingNames.MonitorDeclarations);
        IncrementalValuesProvider<EquatableArray<TargetMethodSpec>> traceTime = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.TraceTimeAttribute, IsDeclaration, DeclarationParser.Parse)
            .WithTrackingName(TrackingNames.TraceTimeDeclarations);

        IncrementalValueProvider<EquatableArray<TargetMethodSpec>> declared = monitored.Collect()
            .Combine(traceTime.Collect())
            .Select(static (pair, _) => MergeDeclarations(pair.Left.Concat(pair.Right)))
            .WithTrackingName(TrackingNames.DeclaredTargets);

        IncrementalValuesProvider<CallSiteSpec> callSites = context.SyntaxProvider
            .CreateSyntaxProvider(CallSiteParser.IsCandidate, CallSiteParser.Parse)
            .Where(static site => site is not null)
            .Select(static (site, _) => site!)
            .WithTrackingName(TrackingNames.CallSites);

        IncrementalValueProvider<(EquatableArray<InterceptorSpec> Interceptors, EquatableArray<CallSiteSpec> Failures)> plan = callSites.Collect()
            .Combine(declared)
            .Select(static (pair, _) => Plan(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.Interceptors);

        context.RegisterSourceOutput(plan, static (output, plan) => Emit(output, plan.Interceptors, plan.Failures));
    }

    private static bool IsDeclaration(SyntaxNode node, System.Threading.CancellationToken cancellationToken) =>
        node is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax;

    private static EquatableArray<TargetMethodSpec> MergeDeclarations(IEnumerable<EquatableArray<TargetMethodSpec>> groups)
    {
        // A method can be covered twice (its own [Monitor] and its class's): the settings reader already
        // resolved the precedence, so both copies are equal and one is kept.
        var byKey = new SortedDictionary<string, TargetMethodSpec>(StringComparer.Ordinal);
        foreach (TargetMethodSpec spec in groups.SelectMany(static g => g))
        {
            byKey[spec.Key] = spec;
        }

        return EquatableArray.From(byKey.Values);
    }

    private static (EquatableArray<InterceptorSpec>, EquatableArray<CallSiteSpec>) Plan(
        ImmutableArray<CallSiteSpec> sites, EquatableArray<TargetMethodSpec> declared)
    {
        var declaredByKey = declared.ToDictionary(static d => d.Key, StringComparer.Ordinal);
        var locations = new SortedDictionary<string, (TargetMethodSpec Target, List<InterceptLocationSpec> Locations)>(StringComparer.Ordinal);
        var failures = new List<CallSiteSpec>();
        var dispatches = new List<CallSiteSpec>();
        foreach (CallSiteSpec site in sites)
        {
            if (site.Error is not null)
            {
                failures.Add(site);
                continue;
            }

            if (site.Dispatch is not null)
            {
                dispatches.Add(site);
                continue;
            }

            TargetMethodSpec? target = site.Target ?? (declaredByKey.TryGetValue(site.TargetKey, out TargetMethodSpec? d) ? d : null);
            if (target is null)
            {
                continue;
            }

            if (!locations.TryGetValue(target.Key, out var entry))
            {
                entry = (target, new List<InterceptLocationSpec>());
                locations.Add(target.Key, entry);
            }

            entry.Locations.Add(site.Location);
        }

        var interceptors = locations.Values.Select(static e => new InterceptorSpec(
            e.Target,
            EquatableArray.From(e.Locations.OrderBy(static l => l.Display, StringComparer.Ordinal).ThenBy(static l => l.Data, StringComparer.Ordinal))));
        return (EquatableArray.From(interceptors.Concat(PlanDispatches(dispatches, declaredByKey))), EquatableArray.From(failures));
    }

    // Calls through an interface or virtual method: one wrapper per static target (its sites share the type tests).
    private static IEnumerable<InterceptorSpec> PlanDispatches(List<CallSiteSpec> sites, Dictionary<string, TargetMethodSpec> declaredByKey)
    {
        foreach (IGrouping<string, CallSiteSpec> group in sites.GroupBy(static s => s.TargetKey, StringComparer.Ordinal).OrderBy(static g => g.Key, StringComparer.Ordinal))
        {
            CallSiteSpec first = group.First();
            if (DispatchPlanner.Resolve(first.Target!, first.Dispatch!, declaredByKey) is { } plan)
            {
                yield return new InterceptorSpec(
                    first.Target!,
                    EquatableArray.From(group.Select(static s => s.Location).OrderBy(static l => l.Display, StringComparer.Ordinal).ThenBy(static l => l.Data, StringComparer.Ordinal)),
                    plan);
            }
        }
    }

    private static void Emit(SourceProductionContext output, EquatableArray<InterceptorSpec> interceptors, EquatableArray<CallSiteSpec> failures)
    {
        foreach (CallSiteSpec failure in failures)
        {
            output.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.InternalError, Location.None, failure.TargetKey, failure.Error + " at " + failure.Location.Display));
        }

        if (interceptors.Length == 0)
        {
            return;
        }

        try
        {
            output.AddSource(InterceptorEmitter.HintName, InterceptorEmitter.Emit(interceptors.Items));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            output.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.InternalError, Location.None, "all monitored methods", ex.GetType().Name + ": " + ex.Message));
        }
    }
}
