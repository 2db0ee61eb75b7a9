using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Tests.Specs;

public class SpecModelTests
{
    private static readonly Type[] s_forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel), typeof(Compilation),
        typeof(Location), typeof(AttributeData), typeof(SyntaxToken),
    };

    private static IEnumerable<Type> SpecTypes() =>
        typeof(Instrumentor.Generator.InterceptorGenerator).Assembly.GetTypes()
            .Where(t => t.Namespace == "Instrumentor.Generator.Specs" && !t.IsEnum && !t.IsAbstract && !t.Name.StartsWith("<", StringComparison.Ordinal));

    [Test]
    public void Spec_types_exist()
    {
        SpecTypes().Select(t => t.Name).ShouldContain("TargetMethodSpec");
        SpecTypes().Count().ShouldBeGreaterThan(5);
    }

    [TestCaseSource(nameof(SpecTypes))]
    public void Spec_holds_no_symbol_or_syntax(Type spec)
    {
        foreach (Type held in HeldTypes(spec, new HashSet<Type>()))
        {
            s_forbidden.ShouldNotContain(f => f.IsAssignableFrom(held), $"{spec.Name} holds {held.Name}");
        }
    }

    [TestCaseSource(nameof(SpecTypes))]
    public void Spec_is_equatable(Type spec)
    {
        if (spec.IsValueType || spec.Name.Contains("IsExternalInit"))
        {
            return;
        }

        spec.GetInterfaces().ShouldContain(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEquatable<>), spec.Name);
    }

    private static IEnumerable<Type> HeldTypes(Type type, HashSet<Type> seen)
    {
        if (!seen.Add(type))
        {
            yield break;
        }

        yield return type;
        if (type.IsGenericType)
        {
            foreach (Type argument in type.GetGenericArguments())
            {
                foreach (Type nested in HeldTypes(argument, seen))
                {
                    yield return nested;
                }
            }
        }

        if (type.Namespace?.StartsWith("Instrumentor", StringComparison.Ordinal) != true)
        {
            yield break;
        }

        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            foreach (Type nested in HeldTypes(field.FieldType, seen))
            {
                yield return nested;
            }
        }
    }
}
