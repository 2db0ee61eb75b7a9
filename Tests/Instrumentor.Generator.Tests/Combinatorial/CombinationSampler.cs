using System;
using System.Collections.Generic;
using System.Linq;

namespace Instrumentor.Generator.Tests.Combinatorial;

/// <summary>
/// Draws combinations from the feature product, each from its own seeded <see cref="Random"/> (so combination
/// <c>i</c> of seed <c>s</c> is always the same, whatever else is drawn). Rules that C# always rejects are applied
/// here to keep most draws valid; whatever else is invalid is filtered by compiling without the generator.
/// </summary>
internal static class CombinationSampler
{
    private static readonly ParameterKind[] s_plain =
    {
        ParameterKind.Int, ParameterKind.Ref, ParameterKind.In, ParameterKind.RefReadonly, ParameterKind.Out,
        ParameterKind.ScopedSpan, ParameterKind.Span, ParameterKind.NullableString, ParameterKind.NullableInt,
        ParameterKind.Tuple, ParameterKind.Dynamic, ParameterKind.DynamicArgument,
    };

    private static readonly ParameterKind[] s_byRef =
    {
        ParameterKind.Ref, ParameterKind.In, ParameterKind.RefReadonly, ParameterKind.Out, ParameterKind.ScopedSpan,
        ParameterKind.Span, ParameterKind.ParamsSpan,
    };

    public static IEnumerable<Combination> DrawMany(int seed, int count) =>
        Enumerable.Range(0, count).Select(index => Draw(seed, index));

    public static Combination Draw(int seed, int index)
    {
        var random = new Random(unchecked((seed * 100_003) + index));
        var kind = Pick<MethodKind>(random);
        var container = Pick<ContainerKind>(random);
        Constraint? typeGenerics = random.Next(3) == 0 ? Pick(random, Constraint.All) : null;
        var nesting = Pick<Nesting>(random);
        var methodGenerics = Pick<MethodGenerics>(random);
        Constraint? methodConstraint = methodGenerics == MethodGenerics.None ? null : Pick(random, Constraint.All);
        bool recursive = random.Next(4) == 0;
        bool throws = random.Next(6) == 0;
        var visibility = Pick<Visibility>(random);
        var returns = Pick<ReturnKind>(random);
        var callSite = Pick<CallSiteKind>(random);
        var parameters = new List<ParameterKind>();
        int plain = random.Next(4);
        for (int i = 0; i < plain; i++)
        {
            ParameterKind parameter = Pick(random, s_plain);
            if (!parameters.Contains(parameter))
            {
                parameters.Add(parameter);
            }
        }

        if (random.Next(4) == 0)
        {
            parameters.Add(ParameterKind.Optional);
        }

        switch (random.Next(8))
        {
            case 0: parameters.Add(ParameterKind.ParamsArray); break;
            case 1: parameters.Add(ParameterKind.ParamsSpan); break;
            case 2: parameters.Add(ParameterKind.ParamsList); break;
        }

        // Rules of C# itself, applied so that most draws compile.
        if (container == ContainerKind.StaticClass && kind == MethodKind.Instance)
        {
            kind = MethodKind.Static;
        }

        if (kind == MethodKind.Extension)
        {
            // Extension methods live in a top-level non-generic static class; the container is the receiver's type.
            nesting = Nesting.None;
            typeGenerics = null;
            if (container == ContainerKind.StaticClass)
            {
                container = ContainerKind.Class;
            }

            if (visibility is Visibility.Protected or Visibility.PrivateProtected or Visibility.ProtectedInternal)
            {
                visibility = Visibility.Private;
            }
        }

        bool isStruct = container is ContainerKind.Struct or ContainerKind.ReadonlyStruct or ContainerKind.RefStruct or ContainerKind.RecordStruct;
        if ((isStruct || container == ContainerKind.StaticClass) && visibility is Visibility.Protected or Visibility.PrivateProtected or Visibility.ProtectedInternal)
        {
            visibility = Visibility.Private;
        }

        bool readonlyMember = kind == MethodKind.Instance && isStruct && container != ContainerKind.ReadonlyStruct && random.Next(3) == 0;
        if (returns is ReturnKind.Task or ReturnKind.TaskOfInt or ReturnKind.ValueTask or ReturnKind.ValueTaskOfInt or ReturnKind.Iterator or ReturnKind.AsyncIterator)
        {
            // Async methods and iterators take no by-ref or ref struct parameter.
            for (int i = 0; i < parameters.Count; i++)
            {
                if (s_byRef.Contains(parameters[i]))
                {
                    parameters[i] = ParameterKind.Int;
                }
            }

            parameters = parameters.Distinct().ToList();
            if (kind == MethodKind.Instance && container == ContainerKind.RefStruct)
            {
                kind = MethodKind.Static;
                readonlyMember = false;
            }

            if (kind == MethodKind.Extension && isStruct && container != ContainerKind.ReadonlyStruct)
            {
                container = ContainerKind.Class;
            }
        }

        if (returns == ReturnKind.Generic && methodGenerics == MethodGenerics.None)
        {
            returns = ReturnKind.Int;
        }

        if (returns == ReturnKind.Generic && methodConstraint is { AllowsRefStruct: true })
        {
            methodConstraint = Constraint.Unconstrained;
        }

        return new Combination(index, kind, container, typeGenerics, nesting, methodGenerics, methodConstraint, readonlyMember,
            recursive, throws, visibility, parameters, returns, callSite);
    }

    private static T Pick<T>(Random random)
        where T : struct, Enum
    {
        T[] values = Enum.GetValues<T>();
        return values[random.Next(values.Length)];
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> values) => values[random.Next(values.Count)];
}
