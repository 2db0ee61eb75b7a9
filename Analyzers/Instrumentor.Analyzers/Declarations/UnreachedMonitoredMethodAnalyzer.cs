using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Instrumentor.Analyzers.Declarations;

/// <summary>
/// INSTR010: a method carrying <c>[Monitor]</c>/<c>[TraceTime]</c> (or an ordinary method of a <c>[Monitor]</c> type) that
/// no call site of its compilation reaches: not called directly, nor through an interface or virtual method it
/// implements or overrides. Only a framework (routing, a base class, a library's callback) or another assembly can
/// call it, and neither goes through this compilation's interceptors.
/// </summary>
/// <remarks>
/// <para>Reported in an executable for every such method: nothing else compiles calls into it with the generator.</para>
/// <para>
/// In a library, a method that other assemblies can call (public or protected, in public types) may be reached by their
/// call sites, intercepted by their own build: it is reported only when it overrides or implements a member declared
/// in another assembly, whose callers (the framework, or code calling through that interface) this build does not see
/// and whose call sites no build dispatches to this library's implementation.
/// </para>
/// <para>
/// Methods selected by <c>[assembly: MonitorAll]</c> are never reported: a name pattern selects many methods, and a
/// warning per framework callback would drown the useful ones. Method groups and base calls count as reached (INSTR002
/// reports them).
/// </para>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnreachedMonitoredMethodAnalyzer : DiagnosticAnalyzer
{
    private static readonly SymbolDisplayFormat s_format = SymbolDisplayFormat.CSharpShortErrorMessageFormat;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnreachedMonitoredMethod);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = Symbols.InstrumentorSymbols.TryCreate(start.Compilation);
            if (symbols is null)
            {
                return;
            }

            var reached = new ConcurrentDictionary<IMethodSymbol, byte>(SymbolEqualityComparer.Default);
            var candidates = new ConcurrentBag<IMethodSymbol>();
            start.RegisterOperationAction(
                operation => reached.TryAdd(Definition(((IInvocationOperation)operation.Operation).TargetMethod), 0),
                OperationKind.Invocation);
            start.RegisterOperationAction(
                operation => reached.TryAdd(Definition(((IMethodReferenceOperation)operation.Operation).Method), 0),
                OperationKind.MethodReference);
            start.RegisterSymbolAction(
                symbol =>
                {
                    if (IsCandidate((IMethodSymbol)symbol.Symbol, symbols))
                    {
                        candidates.Add((IMethodSymbol)symbol.Symbol);
                    }
                },
                SymbolKind.Method);
            start.RegisterCompilationEndAction(end =>
            {
                bool executable = end.Compilation.Options.OutputKind is OutputKind.ConsoleApplication
                    or OutputKind.WindowsApplication or OutputKind.WindowsRuntimeApplication;
                foreach (IMethodSymbol method in candidates)
                {
                    end.CancellationToken.ThrowIfCancellationRequested();
                    Report(end, method, reached, executable);
                }
            });
        });
    }

    private static void Report(CompilationAnalysisContext context, IMethodSymbol method, ConcurrentDictionary<IMethodSymbol, byte> reached, bool executable)
    {
        if (reached.ContainsKey(method))
        {
            return;
        }

        List<IMethodSymbol> slots = Slots(method);
        IMethodSymbol? external = null;
        foreach (IMethodSymbol slot in slots)
        {
            if (reached.ContainsKey(slot.OriginalDefinition))
            {
                return;
            }

            if (external is null && !SymbolEqualityComparer.Default.Equals(slot.ContainingAssembly, context.Compilation.Assembly))
            {
                external = slot;
            }
        }

        if (MaybeReachedThroughSubclass(method, reached))
        {
            return;
        }

        if (!executable && external is null && IsVisibleOutsideAssembly(method))
        {
            return;
        }

        string caller = external is not null
            ? $"code calling '{external.OriginalDefinition.ToDisplayString(s_format)}' (declared in {external.ContainingAssembly.Name})"
            : "a framework or another assembly";
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnreachedMonitoredMethod, method.Locations[0], method.ToDisplayString(s_format), caller));
    }

    private static bool IsCandidate(IMethodSymbol method, Symbols.InstrumentorSymbols symbols)
    {
        if (method.MethodKind is not (MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation)
            || method.IsImplicitlyDeclared)
        {
            return false;
        }

        return symbols.FindMonitorAttribute(method) is not null
               || (method.ContainingType is { } type && symbols.FindMonitorAttribute(type) is not null);
    }

    private static IMethodSymbol Definition(IMethodSymbol method) => (method.ReducedFrom ?? method).OriginalDefinition;

    /// <summary>The interface and virtual methods <paramref name="method"/> implements or overrides.</summary>
    private static List<IMethodSymbol> Slots(IMethodSymbol method)
    {
        var slots = new List<IMethodSymbol>();
        for (IMethodSymbol? overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            slots.Add(overridden);
        }

        slots.AddRange(method.ExplicitInterfaceImplementations);
        if (method.IsStatic || method.ContainingType is not { } type)
        {
            return slots;
        }

        foreach (INamedTypeSymbol contract in type.AllInterfaces)
        {
            foreach (ISymbol member in contract.GetMembers(method.Name))
            {
                if (member is IMethodSymbol slot && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(slot), method))
                {
                    slots.Add(slot);
                }
            }
        }

        return slots;
    }

    /// <summary>
    /// A public method of an unsealed type may implement an interface for a subclass (<c>class D : Base, IJob</c>): a
    /// reached interface or virtual method of the same name and arity counts, so the rule never reports a method the
    /// generator dispatches to.
    /// </summary>
    private static bool MaybeReachedThroughSubclass(IMethodSymbol method, ConcurrentDictionary<IMethodSymbol, byte> reached)
    {
        if (method.IsStatic || method.ContainingType is not { IsSealed: false } || method.DeclaredAccessibility != Accessibility.Public)
        {
            return false;
        }

        foreach (IMethodSymbol candidate in reached.Keys)
        {
            if (candidate.Name == method.Name && candidate.Parameters.Length == method.Parameters.Length
                && (candidate.ContainingType?.TypeKind == TypeKind.Interface || candidate.IsVirtual || candidate.IsAbstract))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsVisibleOutsideAssembly(IMethodSymbol method)
    {
        for (ISymbol? symbol = method; symbol is not null and not INamespaceSymbol; symbol = symbol.ContainingSymbol)
        {
            if (symbol.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal))
            {
                return false;
            }
        }

        return true;
    }
}
