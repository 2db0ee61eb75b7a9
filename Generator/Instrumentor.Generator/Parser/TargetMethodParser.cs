using System.Collections.Immutable;
using System.Linq;
using Instrumentor.Generator.Specs;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>Turns a monitored method symbol into a <see cref="TargetMethodSpec"/> (plain data).</summary>
internal static class TargetMethodParser
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The identity shared by the declaration step and the call-site step.</summary>
    public static string KeyOf(IMethodSymbol method) =>
        method.OriginalDefinition.GetDocumentationCommentId() ?? method.OriginalDefinition.ToDisplayString();

    /// <summary>The spec of <paramref name="method"/>, or <see langword="null"/> when it is not monitored or not wrappable.</summary>
    public static TargetMethodSpec? TryParse(IMethodSymbol method, Compilation compilation)
    {
        MonitorSettings? settings = MonitorSettingsReader.Read(method);
        if (settings is null || !Interceptability.TryGetAccessor(method, compilation, out AccessorKind accessor))
        {
            return null;
        }

        return Build(method, compilation, settings, accessor);
    }

    /// <summary>
    /// The spec of <paramref name="method"/> with the given settings, without asking whether calls to it can be
    /// intercepted (dispatch wrappers call an implementation through its interface, and describe their static target).
    /// </summary>
    public static TargetMethodSpec Build(IMethodSymbol method, Compilation compilation, MonitorSettings settings, AccessorKind accessor)
    {
        var captures = new CaptureContext(compilation, settings);

        var parameters = ImmutableArray.CreateBuilder<ParameterSpec>(method.Parameters.Length);
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            parameters.Add(new ParameterSpec(
                Escape(parameter.Name),
                TypeName(parameter.Type, parameter.NullableAnnotation),
                SignaturePrefix(parameter.RefKind),
                // A dynamic argument would make the wrapper's call dynamically bound (overloads picked at run time):
                // passed as object, it binds at compile time to the target, as the original call did.
                parameter.Type.TypeKind == TypeKind.Dynamic ? "(object)" : ArgumentPrefix(parameter.RefKind),
                IsThis: method.IsExtensionMethod && parameter.Ordinal == 0,
                CapturePlanner.ForParameter(parameter, captures))
            {
                ScopedPrefix = ScopedPrefix(parameter),
            });
        }

        (ReturnShape shape, ITypeSymbol? resultType) = Classify(method);
        var spec = new TargetMethodSpec(
            KeyOf(method),
            TypeName(method.ContainingType, NullableAnnotation.None),
            Escape(method.Name),
            method.IsExtensionMethod ? TargetKind.Extension : method.IsStatic ? TargetKind.Static : TargetKind.Instance,
            method.ReturnsVoid ? "void" : TypeName(method.ReturnType, method.ReturnNullableAnnotation),
            shape,
            resultType is null ? "" : TypeName(resultType, resultType.NullableAnnotation),
            CapturePlanner.ForResult(method, resultType, captures),
            new EquatableArray<ParameterSpec>(parameters.MoveToImmutable()),
            settings,
            GenericsReader.Read(method),
            ReceiverPrefix(method),
            method.ReturnsByRefReadonly ? "ref readonly " : method.ReturnsByRef ? "ref " : "",
            accessor,
            SourceLocator.Locate(method, compilation));
        spec = spec with
        {
            FlowsContext = shape is ReturnShape.Void or ReturnShape.Value && SpawnDetector.StartsWorkElsewhere(method, compilation),
            TaskOnStack = shape is ReturnShape.Task or ReturnShape.TaskOfT or ReturnShape.ValueTask or ReturnShape.ValueTaskOfT
                && TaskSourceDetector.CompletesInCall(method, compilation),
            ReturnsRefLike = !method.ReturnsVoid && (method.ReturnType.IsRefLikeType || method.ReturnType is ITypeParameterSymbol { AllowsRefLikeType: true }),
            UsesObsolete = ObsoleteReader.Involved(method),
            ObliviousReceiver = ReceiverPrefix(method).Length > 0 && InGenericType(method.ContainingType),
        };
        return accessor == AccessorKind.StaticMethodOfStaticClass
            ? spec with { AccessorTypeName = RuntimeTypeName(method.ContainingType) }
            : spec;
    }

    /// <summary>The name the runtime resolves (<c>Type.GetType</c> syntax): <c>Ns.Outer+Inner, Assembly</c>.</summary>
    private static string RuntimeTypeName(INamedTypeSymbol type)
    {
        string name = type.MetadataName;
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
        }

        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() + "." : "";
        return ns + name + ", " + type.ContainingAssembly.Name;
    }

    // The wrapper must declare what the target's parameter has, scoped or not (CS9156): `scoped` written or implied
    // (`params Span<T>`), and [UnscopedRef] on the ref parameters that are scoped by default. An `out` is scoped anyway.
    private static string ScopedPrefix(IParameterSymbol parameter)
    {
        if (parameter.GetAttributes().Any(static a => a.AttributeClass is { Name: "UnscopedRefAttribute" } type
                                                      && type.ContainingNamespace?.ToDisplayString() == "System.Diagnostics.CodeAnalysis"))
        {
            return "[global::System.Diagnostics.CodeAnalysis.UnscopedRef] ";
        }

        return parameter.ScopedKind != ScopedKind.None && parameter.RefKind != RefKind.Out ? "scoped " : "";
    }

    // A struct receiver is passed by reference so mutations stick; a readonly member takes it as `in`.
    private static string ReceiverPrefix(IMethodSymbol method) =>
        method.IsStatic || method.IsExtensionMethod || !method.ContainingType.IsValueType ? ""
        : method.IsReadOnly || method.ContainingType.IsReadOnly ? "in " : "ref ";

    private static bool InGenericType(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.TypeParameters.Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static (ReturnShape Shape, ITypeSymbol? ResultType) Classify(IMethodSymbol method)
    {
        if (method.ReturnsVoid)
        {
            return (ReturnShape.Void, null);
        }

        if (method.ReturnType is INamedTypeSymbol named
            && named.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks")
        {
            switch (named.MetadataName)
            {
                case "Task": return (ReturnShape.Task, null);
                case "Task`1": return (ReturnShape.TaskOfT, named.TypeArguments[0]);
                case "ValueTask": return (ReturnShape.ValueTask, null);
                case "ValueTask`1": return (ReturnShape.ValueTaskOfT, named.TypeArguments[0]);
            }
        }

        if (method.ReturnType is INamedTypeSymbol { IsGenericType: true } sequence && IteratorDetector.IsIterator(method))
        {
            string name = sequence.OriginalDefinition.ToDisplayString();
            if (name == "System.Collections.Generic.IEnumerable<T>")
            {
                return (ReturnShape.Enumerable, null);
            }

            if (name == "System.Collections.Generic.IAsyncEnumerable<T>")
            {
                return (ReturnShape.AsyncEnumerable, null);
            }
        }

        return (ReturnShape.Value, method.ReturnType);
    }

    private static string TypeName(ITypeSymbol type, NullableAnnotation annotation) =>
        (annotation == NullableAnnotation.Annotated && type.IsReferenceType
            ? type.WithNullableAnnotation(NullableAnnotation.Annotated)
            : type).ToDisplayString(s_typeFormat);

    private static string SignaturePrefix(RefKind kind) => kind switch
    {
        RefKind.Ref => "ref ",
        RefKind.Out => "out ",
        RefKind.In => "in ",
        RefKind.RefReadOnlyParameter => "ref readonly ",
        _ => "",
    };

    private static string ArgumentPrefix(RefKind kind) => kind switch
    {
        RefKind.Ref => "ref ",
        RefKind.Out => "out ",
        RefKind.In or RefKind.RefReadOnlyParameter => "in ",
        _ => "",
    };

    private static string Escape(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;
}
