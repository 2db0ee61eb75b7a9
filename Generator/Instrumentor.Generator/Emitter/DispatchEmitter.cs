using System.Collections.Generic;
using System.Linq;
using Instrumentor.Generator.Specs;

namespace Instrumentor.Generator.Emitter;

/// <summary>
/// Writes the wrapper of calls through an interface or virtual method: a short chain of type tests on the receiver,
/// most derived first. A receiver whose type runs a monitored implementation goes to a traced wrapper (an ordinary
/// wrapper of the static target, with the implementation's descriptor); any other is called as written. Both make
/// the original call, so dispatch (and a struct receiver's box) is exactly the untraced program's.
/// </summary>
internal static class DispatchEmitter
{
    /// <summary>Writes the traced wrappers, then the dispatch wrapper; returns the next free index.</summary>
    public static int Write(SourceWriter writer, InterceptorSpec interceptor, int index, int next)
    {
        TargetMethodSpec shape = interceptor.Target;
        DispatchPlanSpec plan = interceptor.Dispatch!;
        var traced = new Dictionary<int, int>();
        var written = new Dictionary<TargetMethodSpec, int>();
        for (int i = 0; i < plan.Branches.Length; i++)
        {
            if (plan.Branches[i].Traced is not { } target)
            {
                continue;
            }

            // Exact tests of a type and its subclasses that inherit the method share one traced wrapper.
            if (!written.TryGetValue(target, out int helper))
            {
                helper = next++;
                written.Add(target, helper);
                InterceptorEmitter.WriteInterceptor(writer, new InterceptorSpec(target, EquatableArray<InterceptLocationSpec>.Empty), helper);
                writer.Line();
            }

            traced[i] = helper;
        }

        foreach (InterceptLocationSpec location in interceptor.Locations)
        {
            writer.Line($"[global::System.Runtime.CompilerServices.InterceptsLocation({location.Version}, {CSharpLiteral.String(location.Data)})] // {location.Display}");
        }

        writer.Line("[global::System.Diagnostics.StackTraceHidden]");
        writer.Line("[global::System.Diagnostics.DebuggerStepThrough]");
        string name = shape.Name.TrimStart('@');
        using (writer.Scope($"public static {shape.ReturnPrefix}{shape.ReturnType} {name}{index}{shape.Generics.TypeParameters}({InterceptorEmitter.Signature(shape)}){shape.Generics.Constraints}"))
        {
            string arguments = string.Join(", ", shape.Parameters.Select(static p => p.ArgumentPrefix + p.Name));
            string original = $"__receiver.{shape.Name}{plan.MethodTypeArguments}({arguments})";
            if (plan.Branches.Any(static b => b.Exact))
            {
                // A copy takes the null test, so nullable analysis does not decide the receiver itself may be null.
                writer.Line("object? __instance = __receiver;");
            }

            for (int i = 0; i < plan.Branches.Length; i++)
            {
                DispatchBranchSpec branch = plan.Branches[i];
                using (writer.Scope($"if ({Test(branch)})"))
                {
                    string call = traced.TryGetValue(i, out int helper)
                        ? $"{name}{helper}{shape.Generics.TypeParameters}(__receiver{(arguments.Length == 0 ? "" : ", " + arguments)})"
                        : original;
                    Return(writer, shape, call, last: false);
                }
            }

            Return(writer, shape, original, last: true);
        }

        return next;
    }

    // `is` on a sealed type or a struct is one method-table compare; on an open class it also accepts subclasses that
    // run the same method (the parser placed a test before it for each subclass of this compilation that does not).
    private static string Test(DispatchBranchSpec branch) => branch.Exact
        ? $"__instance is not null && __instance.GetType() == typeof({branch.Type})"
        : $"__receiver is {branch.Type}";

    private static void Return(SourceWriter writer, TargetMethodSpec shape, string call, bool last)
    {
        if (shape.ReturnType == "void")
        {
            writer.Line(call + ";");
            if (!last)
            {
                writer.Line("return;");
            }

            return;
        }

        writer.Line(shape.ReturnPrefix.Length > 0 ? $"return ref {call};" : $"return {call};");
    }
}
