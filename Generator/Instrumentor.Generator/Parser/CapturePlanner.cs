using System.Linq;
using Instrumentor.Generator.Specs;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Picks, from a static type, how its values are captured (DESIGN.md §3 step 5): primitives, enums, DateTime,
/// Guid and friends by value; strings by reference; collections and arrays as name + count; objects as the method's
/// serializer says (a summary by default, <see cref="SummaryPlanner"/>); anything else as its type name. Sensitive
/// values are masked, [NotCaptured] parameters are skipped.
/// </summary>
internal static class CapturePlanner
{
    private static readonly SymbolDisplayFormat s_displayFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    public static CaptureSpec ForParameter(IParameterSymbol parameter, CaptureContext context)
    {
        MonitorSettings settings = context.Settings;
        if (!settings.CaptureArgs || parameter.RefKind == RefKind.Out || IsCancellationToken(parameter.Type)
            || AttributeLookup.Has(parameter, KnownNames.NotCapturedAttributeName))
        {
            // A CancellationToken carries no data worth storing (and its name would match "token" as a mask).
            return CaptureSpec.Skip;
        }

        if (AttributeLookup.Has(parameter, KnownNames.SensitiveAttributeName)
            || IsSensitiveType(parameter.Type)
            || context.IsSensitiveName(parameter.Name))
        {
            return CaptureSpec.Masked;
        }

        return ForType(parameter.Type, context, topLevel: true);
    }

    public static CaptureSpec ForResult(IMethodSymbol method, ITypeSymbol? resultType, CaptureContext context)
    {
        MonitorSettings settings = context.Settings;
        if (!settings.CaptureResult || resultType is null)
        {
            return CaptureSpec.Skip;
        }

        if (IsSensitiveType(resultType) || AttributeLookup.Find(method.GetReturnTypeAttributes(), KnownNames.SensitiveAttributeName) is not null)
        {
            return CaptureSpec.Masked;
        }

        return ForType(resultType, context, topLevel: true);
    }

    /// <summary>
    /// The capture of a value of <paramref name="type"/>. Only a <paramref name="topLevel"/> value (an argument or
    /// result) may be serialized or summarized: a property inside a summary is recorded shallowly (depth 1).
    /// </summary>
    public static CaptureSpec ForType(ITypeSymbol type, CaptureContext context, bool topLevel)
    {
        // A user formatter wins over every built-in capture.
        if (context.Formatters.Find(type) is { } formatter)
        {
            return new CaptureSpec(CaptureKind.Formatter, formatter, "", "");
        }

        if (type.TypeKind == TypeKind.Dynamic)
        {
            // Any expression on a dynamic value is bound at run time: record the type name only.
            return CaptureSpec.AsText("<dynamic>", nullable: false);
        }

        if (type is ITypeParameterSymbol { AllowsRefLikeType: true })
        {
            // It may be a ref struct, which no generic capture can take (CS9244): record the type name only.
            return CaptureSpec.AsText("<" + Display(type) + ">", nullable: false);
        }

        if (type is ITypeParameterSymbol)
        {
            return CaptureSpec.ByFactory("FromGeneric");
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            CaptureSpec inner = ForType(nullable.TypeArguments[0], context, topLevel: false);
            return inner.Kind == CaptureKind.Factory ? CaptureSpec.ByFactoryUnlessNull(inner) : CaptureSpec.AsText(Display(type), nullable: true);
        }

        CaptureSpec? byValue = ByValue(type);
        if (byValue is not null)
        {
            return byValue;
        }

        if (type is IArrayTypeSymbol)
        {
            return CaptureSpec.AsLength(Display(type));
        }

        if (type is INamedTypeSymbol named && named.IsRefLikeType && named.Name is "Span" or "ReadOnlySpan"
            && named.ContainingNamespace?.ToDisplayString() == "System")
        {
            return new CaptureSpec(CaptureKind.Length, "span", Display(type), "");
        }

        SerializerKind serializer = context.Settings.Serializer;
        if (topLevel && serializer == SerializerKind.Json && context.Settings.JsonContext is { } jsonContext && CanSerialize(type))
        {
            // Json without a context falls back to Smart below; the analyzers report it (INSTR011).
            return CaptureSpec.AsJson(TypeName(type), jsonContext, type.IsValueType);
        }

        if (topLevel && serializer == SerializerKind.Repr && OverridesToString(type) && CanSerialize(type)
            && !(HasSynthesizedRecordToString(type) && SummaryPlanner.HasMaskedProperty(type, context)))
        {
            return CaptureSpec.AsRepr(TypeName(type), type.IsValueType);
        }

        if (type.IsReferenceType && DictionaryKeyType(type) is not null && HasCountProperty(type))
        {
            return new CaptureSpec(CaptureKind.Keys, "", Display(type), "");
        }

        if (type.IsReferenceType && HasCountProperty(type))
        {
            return CaptureSpec.AsCount(Display(type));
        }

        if (topLevel && serializer != SerializerKind.TypeName && SummaryPlanner.TryPlan(type, context) is { } summary)
        {
            return CaptureSpec.AsSummary(summary);
        }

        return CaptureSpec.AsText("<" + Display(type) + ">", nullable: !type.IsValueType);
    }

    /// <summary>Whether a generated helper can take the value as a parameter and name its type in typeof.</summary>
    private static bool CanSerialize(ITypeSymbol type) =>
        !type.IsRefLikeType && type.TypeKind is not (TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Error)
        && !ContainsTypeParameter(type);

    internal static bool ContainsTypeParameter(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol => true,
        IArrayTypeSymbol array => ContainsTypeParameter(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsTypeParameter) || (named.ContainingType is { } outer && ContainsTypeParameter(outer)),
        _ => false,
    };

    /// <summary>Whether the type (or a base other than object/ValueType/Enum) overrides ToString().</summary>
    internal static bool OverridesToString(ITypeSymbol type)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType or SpecialType.System_Enum)
            {
                return false;
            }

            foreach (ISymbol member in current.GetMembers("ToString"))
            {
                if (member is IMethodSymbol { IsOverride: true, Parameters.Length: 0, IsStatic: false })
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the type's ToString is the one the compiler writes for a record, which prints every property: then a
    /// masked property would be stored in clear, so Repr uses the summary instead.
    /// </summary>
    private static bool HasSynthesizedRecordToString(ITypeSymbol type)
    {
        for (ITypeSymbol? current = type; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
        {
            foreach (ISymbol member in current.GetMembers("ToString"))
            {
                if (member is IMethodSymbol { IsOverride: true, Parameters.Length: 0, IsStatic: false } toString)
                {
                    return toString.IsImplicitlyDeclared;
                }
            }
        }

        return false;
    }

    /// <summary>The fully qualified type without nullable annotation: usable as a parameter type and in typeof.</summary>
    internal static string TypeName(ITypeSymbol type) =>
        type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    private static CaptureSpec? ByValue(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean: return CaptureSpec.ByFactory("FromBoolean");
            case SpecialType.System_Char: return CaptureSpec.ByFactory("FromChar");
            case SpecialType.System_SByte:
            case SpecialType.System_Int16:
            case SpecialType.System_Int32:
            case SpecialType.System_Int64: return CaptureSpec.ByFactory("FromInt64");
            case SpecialType.System_IntPtr: return CaptureSpec.ByFactory("FromInt64", "(long)");
            case SpecialType.System_Byte:
            case SpecialType.System_UInt16:
            case SpecialType.System_UInt32:
            case SpecialType.System_UInt64: return CaptureSpec.ByFactory("FromUInt64");
            case SpecialType.System_UIntPtr: return CaptureSpec.ByFactory("FromUInt64", "(ulong)");
            case SpecialType.System_Single: return CaptureSpec.ByFactory("FromSingle");
            case SpecialType.System_Double: return CaptureSpec.ByFactory("FromDouble");
            case SpecialType.System_Decimal: return CaptureSpec.ByFactory("FromDecimal");
            case SpecialType.System_String: return CaptureSpec.ByFactory("FromString");
            case SpecialType.System_DateTime: return CaptureSpec.ByFactory("FromDateTime");
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            // Bits now, name on the writer thread: no boxing, no reflection.
            return CaptureSpec.ByFactory("FromEnum");
        }

        if (type.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true })
        {
            switch (type.MetadataName)
            {
                case "DateTimeOffset": return CaptureSpec.ByFactory("FromDateTimeOffset");
                case "TimeSpan": return CaptureSpec.ByFactory("FromTimeSpan");
                case "Guid": return CaptureSpec.ByFactory("FromGuid");
            }
        }

        return null;
    }

    /// <summary>The key type when <paramref name="type"/> is (or implements) a generic dictionary with a Keys property.</summary>
    private static ITypeSymbol? DictionaryKeyType(ITypeSymbol type)
    {
        foreach (INamedTypeSymbol candidate in new[] { type as INamedTypeSymbol }.Concat(type.AllInterfaces).OfType<INamedTypeSymbol>())
        {
            if (candidate.IsGenericType && candidate.TypeArguments.Length == 2
                && candidate.Name is "IDictionary" or "IReadOnlyDictionary" or "Dictionary" or "SortedDictionary" or "ConcurrentDictionary"
                && type.GetMembers("Keys").Length + candidate.GetMembers("Keys").Length > 0)
            {
                return candidate.TypeArguments[0];
            }
        }

        return null;
    }

    private static bool HasCountProperty(ITypeSymbol type)
    {
        if (type.TypeKind == TypeKind.Interface)
        {
            // `value.Count` on an interface that inherits Count twice would not compile: require exactly one.
            int found = CountProperties(type);
            foreach (INamedTypeSymbol inherited in type.AllInterfaces)
            {
                found += CountProperties(inherited);
            }

            return found == 1;
        }

        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (CountProperties(current) > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static int CountProperties(ITypeSymbol type)
    {
        int found = 0;
        foreach (ISymbol member in type.GetMembers("Count"))
        {
            if (member is IPropertySymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public, Type.SpecialType: SpecialType.System_Int32, Parameters.Length: 0, GetMethod: not null })
            {
                found++;
            }
        }

        return found;
    }

    private static bool IsCancellationToken(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "CancellationToken", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

    internal static bool IsSensitiveType(ITypeSymbol type) => AttributeLookup.Has(type, KnownNames.SensitiveAttributeName);

    internal static string Display(ITypeSymbol type) => type.ToDisplayString(s_displayFormat);
}
