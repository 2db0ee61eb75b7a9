using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Instrumentor.Generator.Tests.Combinatorial;

/// <summary>
/// Writes the C# of one <see cref="Combination"/>: namespace <c>C{index}</c> with the declaring type, its monitored
/// method <c>M</c>, an <c>Inside</c> method calling it from inside the type, and <c>Entry.Run()</c>, which calls it
/// from outside (when visible) and through <c>Inside</c>, and returns a text that shows every observable effect:
/// results, ref/out values, receiver mutations, static state, exceptions.
/// </summary>
internal sealed class CombinationSource
{
    private readonly Combination _c;
    private readonly bool _isStruct;
    private readonly bool _instance;
    private readonly bool _extension;
    private readonly bool _async;
    private readonly bool _iterator;

    private CombinationSource(Combination combination)
    {
        _c = combination;
        _isStruct = _c.Container is ContainerKind.Struct or ContainerKind.ReadonlyStruct or ContainerKind.RefStruct or ContainerKind.RecordStruct;
        _instance = _c.Kind == MethodKind.Instance;
        _extension = _c.Kind == MethodKind.Extension;
        _async = _c.Return is ReturnKind.Task or ReturnKind.TaskOfInt or ReturnKind.ValueTask or ReturnKind.ValueTaskOfInt or ReturnKind.AsyncIterator;
        _iterator = _c.Return is ReturnKind.Iterator or ReturnKind.AsyncIterator;
    }

    /// <summary>The namespace holding the combination.</summary>
    /// <summary>
    /// A third of the methods have sample rate 0, so their wrappers take the unsampled-root path first: called as roots,
    /// they record only their failures.
    /// </summary>
    public static bool Unsampled(Combination combination) => combination.Index % 3 == 0;

    public static string Namespace(Combination combination) => "C" + combination.Index;

    public static string Write(Combination combination) => new CombinationSource(combination).Write();

    private bool MethodGeneric => _c.MethodGenerics != MethodGenerics.None;

    private Constraint MethodConstraint => _c.MethodConstraint ?? Constraint.Unconstrained;

    /// <summary>The declaring type as code outside it names it (<c>Outer&lt;int&gt;.Holder&lt;string&gt;</c>).</summary>
    private string HolderReference
    {
        get
        {
            string outer = _c.Nesting switch
            {
                Nesting.Nested => "Outer.",
                Nesting.NestedInGeneric => "Outer<int>.",
                _ => "",
            };
            return outer + "Holder" + (_c.TypeGenerics is null ? "" : "<" + _c.TypeGenerics.Argument + ">");
        }
    }

    /// <summary>The type whose instance receives instance calls (a concrete subclass of an abstract holder).</summary>
    private string InstanceReference => _c.Container == ContainerKind.AbstractClass
        ? HolderReference.Replace("Holder", "HolderImpl")
        : HolderReference;

    private string Write()
    {
        var b = new StringBuilder();
        b.AppendLine("using System;");
        b.AppendLine("using System.Collections.Generic;");
        b.AppendLine("using System.Threading.Tasks;");
        b.AppendLine("using Instrumentor;");
        b.AppendLine($"namespace {Namespace(_c)}");
        b.AppendLine("{");
        if (_extension)
        {
            WriteReceiverType(b);
            WriteExtensionClass(b);
        }
        else
        {
            string indent = "";
            if (_c.Nesting != Nesting.None)
            {
                b.AppendLine(_c.Nesting == Nesting.Nested ? "public partial class Outer" : "public partial class Outer<TO>");
                b.AppendLine("{");
                indent = "    ";
            }

            WriteHolder(b, indent);
            if (_c.Container == ContainerKind.AbstractClass)
            {
                string generics = _c.TypeGenerics is null ? "" : "<TC>";
                b.AppendLine($"{indent}public sealed class HolderImpl{generics} : Holder{generics}{_c.TypeGenerics?.WhereClause("TC")} {{ }}");
            }

            if (_c.Nesting != Nesting.None)
            {
                b.AppendLine("}");
            }
        }

        WriteEntry(b);
        b.AppendLine("}");
        return b.ToString();
    }

    private void WriteReceiverType(StringBuilder b)
    {
        string declaration = _c.Container switch
        {
            ContainerKind.Struct => "public struct Target { public int F; }",
            ContainerKind.RecordStruct => "public record struct Target { public int F; }",
            ContainerKind.ReadonlyStruct => "public readonly struct Target { public readonly int F; }",
            ContainerKind.RefStruct => "public ref struct Target { public int F; }",
            ContainerKind.Record => "public record Target { public int F; }",
            ContainerKind.SealedClass => "public sealed class Target { public int F; }",
            ContainerKind.AbstractClass => "public abstract class TargetBase { public int F; } public sealed class Target : TargetBase { }",
            _ => "public class Target { public int F; }",
        };
        b.AppendLine(declaration);
    }

    private string ExtensionThis => _c.Container switch
    {
        ContainerKind.ReadonlyStruct => "this in Target self",
        ContainerKind.Struct or ContainerKind.RecordStruct or ContainerKind.RefStruct => "this ref Target self",
        ContainerKind.AbstractClass => "this TargetBase self",
        _ => "this Target self",
    };

    private bool ReceiverMutable => _extension
        ? _c.Container != ContainerKind.ReadonlyStruct
        : _instance && _c.Container != ContainerKind.ReadonlyStruct && !_c.ReadonlyMember;

    private void WriteExtensionClass(StringBuilder b)
    {
        b.AppendLine("public static class Holder");
        b.AppendLine("{");
        WriteStatics(b, "    ");
        WriteMethod(b, "    ");
        b.AppendLine("    public static string Inside()");
        b.AppendLine("    {");
        b.AppendLine("        var t = new Target();");
        WriteCallBlock(b, "        ", "t.", "t.F", "Last");
        b.AppendLine("    }");
        b.AppendLine("}");
    }

    private void WriteHolder(StringBuilder b, string indent)
    {
        string keyword = _c.Container switch
        {
            ContainerKind.StaticClass => "static class",
            ContainerKind.SealedClass => "sealed class",
            ContainerKind.AbstractClass => "abstract class",
            ContainerKind.Struct => "struct",
            ContainerKind.ReadonlyStruct => "readonly struct",
            ContainerKind.RefStruct => "ref struct",
            ContainerKind.Record => "record",
            ContainerKind.RecordStruct => "record struct",
            _ => "class",
        };
        string generics = _c.TypeGenerics is null ? "" : "<TC>";
        b.AppendLine($"{indent}public {keyword} Holder{generics}{_c.TypeGenerics?.WhereClause("TC")}");
        b.AppendLine($"{indent}{{");
        string inner = indent + "    ";
        WriteStatics(b, inner);
        if (_c.Container != ContainerKind.StaticClass)
        {
            b.AppendLine(_c.Container == ContainerKind.ReadonlyStruct ? $"{inner}public readonly int F;" : $"{inner}public int F;");
        }

        WriteMethod(b, inner);
        bool insideIsStatic = !_instance;
        b.AppendLine($"{inner}public {(insideIsStatic ? "static " : "")}string Inside()");
        b.AppendLine($"{inner}{{");
        WriteCallBlock(b, inner + "    ", _instance ? "this." : "", _instance ? "F" : null, "Last");
        b.AppendLine($"{inner}}}");
        b.AppendLine($"{indent}}}");
    }

    private static void WriteStatics(StringBuilder b, string indent)
    {
        b.AppendLine($"{indent}public static int Last;");
        b.AppendLine($"{indent}public static int Cell;");
        b.AppendLine($"{indent}public static int[] Arr = new int[] {{ 1, 2, 3 }};");
    }

    private string VisibilityKeyword => _c.Visibility switch
    {
        Visibility.Public => "public",
        Visibility.Internal => "internal",
        Visibility.ProtectedInternal => "protected internal",
        Visibility.Protected => "protected",
        Visibility.PrivateProtected => "private protected",
        _ => "private",
    };

    private bool VisibleOutside => _c.Visibility is Visibility.Public or Visibility.Internal or Visibility.ProtectedInternal;

    private string ReturnType => _c.Return switch
    {
        ReturnKind.Void => "void",
        ReturnKind.Int => "int",
        ReturnKind.Generic => "TM",
        ReturnKind.NullableString => "string?",
        ReturnKind.Tuple => "(int A, string B)",
        ReturnKind.Ref => "ref int",
        ReturnKind.RefReadonly => "ref readonly int",
        ReturnKind.Span => "Span<int>",
        ReturnKind.Task => "Task",
        ReturnKind.TaskOfInt => "Task<int>",
        ReturnKind.ValueTask => "ValueTask",
        ReturnKind.ValueTaskOfInt => "ValueTask<int>",
        ReturnKind.Iterator => "IEnumerable<int>",
        _ => "IAsyncEnumerable<int>",
    };

    private IEnumerable<(string Name, ParameterKind Kind)> NamedParameters =>
        _c.Parameters.Select((kind, i) => ("p" + i, kind));

    private string ParameterList()
    {
        var list = new List<string>();
        if (_extension)
        {
            list.Add(ExtensionThis);
        }

        if (_c.Recursive)
        {
            list.Add("int n");
        }

        if (_c.MethodGenerics == MethodGenerics.Inferable)
        {
            list.Add("TM value");
        }

        foreach ((string name, ParameterKind kind) in NamedParameters)
        {
            list.Add(kind switch
            {
                ParameterKind.Int or ParameterKind.DynamicArgument => "int " + name,
                ParameterKind.Ref => "ref int " + name,
                ParameterKind.In => "in int " + name,
                ParameterKind.RefReadonly => "ref readonly int " + name,
                ParameterKind.Out => "out int " + name,
                ParameterKind.ScopedSpan => "scoped Span<int> " + name,
                ParameterKind.Span => "Span<int> " + name,
                ParameterKind.NullableString => "string? " + name,
                ParameterKind.NullableInt => "int? " + name,
                ParameterKind.Tuple => "(int A, string B) " + name,
                ParameterKind.Dynamic => "dynamic " + name,
                ParameterKind.Optional => "int " + name + " = 5",
                ParameterKind.ParamsArray => "params int[] " + name,
                ParameterKind.ParamsSpan => "params ReadOnlySpan<int> " + name,
                _ => "params List<int> " + name,
            });
        }

        return string.Join(", ", list);
    }

    private void WriteMethod(StringBuilder b, string indent)
    {
        bool isStatic = !_instance;
        string modifiers = VisibilityKeyword + (isStatic ? " static" : "") + (_c.ReadonlyMember ? " readonly" : "") + (_async ? " async" : "");
        string generics = MethodGeneric ? "<TM>" : "";
        string where = MethodGeneric ? MethodConstraint.WhereClause("TM") : "";
        b.AppendLine(Unsampled(_c) ? $"{indent}[Monitor(SampleRate = 0)]" : $"{indent}[Monitor]");
        b.AppendLine($"{indent}{modifiers} {ReturnType} M{generics}({ParameterList()}){where}");
        b.AppendLine($"{indent}{{");
        string body = indent + "    ";
        foreach ((string name, ParameterKind kind) in NamedParameters.Where(p => p.Kind == ParameterKind.Out))
        {
            b.AppendLine($"{body}{name} = 7;");
        }

        if (_async)
        {
            b.AppendLine($"{body}await Task.Yield();");
        }

        b.AppendLine($"{body}int acc = 1;");
        if (_c.MethodGenerics == MethodGenerics.Inferable)
        {
            b.AppendLine(MethodConstraint.AllowsRefStruct ? $"{body}acc += 10;" : $"{body}acc += global::System.Convert.ToString((object?)value)?.Length ?? 0;");
        }
        else if (_c.MethodGenerics == MethodGenerics.NotInferable)
        {
            b.AppendLine($"{body}acc += typeof(TM).Name.Length;");
        }

        foreach ((string name, ParameterKind kind) in NamedParameters)
        {
            b.AppendLine(body + kind switch
            {
                ParameterKind.Ref => $"{name} += 1; acc += {name};",
                ParameterKind.ScopedSpan or ParameterKind.Span => $"acc += {name}.Length + {name}[0];",
                ParameterKind.NullableString => $"acc += {name}?.Length ?? -1;",
                ParameterKind.NullableInt => $"acc += {name} ?? -2;",
                ParameterKind.Tuple => $"acc += {name}.A + {name}.B.Length;",
                ParameterKind.Dynamic => $"acc += (int){name};",
                ParameterKind.ParamsArray or ParameterKind.ParamsSpan => $"acc += {name}.Length;",
                ParameterKind.ParamsList => $"acc += {name}.Count;",
                _ => $"acc += {name};",
            });
        }

        if (_extension)
        {
            b.AppendLine($"{body}acc += self.F;");
            if (ReceiverMutable)
            {
                b.AppendLine($"{body}self.F += acc;");
            }
        }
        else if (_instance)
        {
            b.AppendLine($"{body}acc += F;");
            if (ReceiverMutable)
            {
                b.AppendLine($"{body}F += acc;");
            }
        }

        if (_c.Recursive)
        {
            b.AppendLine($"{body}if (n > 0)");
            b.AppendLine($"{body}{{");
            b.AppendLine($"{body}    {SelfCall()}");
            b.AppendLine($"{body}}}");
        }

        b.AppendLine($"{body}Last = acc;");
        if (_c.Throws)
        {
            if (_iterator)
            {
                b.AppendLine($"{body}yield return acc;");
            }

            b.AppendLine($"{body}if (acc != int.MinValue) throw new InvalidOperationException(\"t\" + acc);");
        }

        b.AppendLine(body + _c.Return switch
        {
            ReturnKind.Void or ReturnKind.Task or ReturnKind.ValueTask => "return;",
            ReturnKind.Generic => _c.MethodGenerics == MethodGenerics.Inferable ? "return value;" : "return default!;",
            ReturnKind.NullableString => "return acc % 2 == 0 ? null : \"s\" + acc;",
            ReturnKind.Tuple => "return (acc, \"b\" + acc);",
            ReturnKind.Ref or ReturnKind.RefReadonly => "Cell = acc; return ref Cell;",
            ReturnKind.Span => "Arr[0] = acc; return Arr.AsSpan(0, 2);",
            ReturnKind.Iterator or ReturnKind.AsyncIterator => "yield return acc; yield return acc + 1;",
            _ => "return acc;",
        });
        b.AppendLine($"{indent}}}");
    }

    /// <summary>The recursive call, with the method's own parameters forwarded.</summary>
    private string SelfCall()
    {
        var arguments = new List<string> { "n - 1" };
        if (_c.MethodGenerics == MethodGenerics.Inferable)
        {
            arguments.Add("value");
        }

        foreach ((string name, ParameterKind kind) in NamedParameters)
        {
            arguments.Add(kind switch
            {
                ParameterKind.Ref => "ref " + name,
                ParameterKind.In or ParameterKind.RefReadonly => "in " + name,
                ParameterKind.Out => "out " + name,
                _ => name,
            });
        }

        string receiver = _extension ? "self." : _instance ? "this." : "";

        string typeArguments = _c.MethodGenerics == MethodGenerics.NotInferable ? "<TM>" : "";
        string call = $"{receiver}M{typeArguments}({string.Join(", ", arguments)})";
        return _c.Return switch
        {
            ReturnKind.Void => call + "; acc += 1;",
            ReturnKind.Ref or ReturnKind.RefReadonly => $"acc += {call};",
            ReturnKind.Span => $"acc += {call}.Length;",
            ReturnKind.Task or ReturnKind.ValueTask => $"await {call}; acc += 1;",
            ReturnKind.TaskOfInt or ReturnKind.ValueTaskOfInt => $"acc += await {call};",
            ReturnKind.Iterator => $"foreach (int x in {call}) acc += x;",
            ReturnKind.AsyncIterator => $"await foreach (int x in {call}) acc += x;",
            _ => $"acc += global::System.Convert.ToString((object?){call})?.Length ?? 0;",
        };
    }

    /// <summary>The arguments of a call from a call site (not the recursion), and the locals they need.</summary>
    private (string Arguments, List<string> Locals, List<string> After) CallArguments()
    {
        var arguments = new List<string>();
        var locals = new List<string>();
        var after = new List<string>();
        if (_c.Recursive)
        {
            arguments.Add("2");
        }

        if (_c.MethodGenerics == MethodGenerics.Inferable)
        {
            arguments.Add(MethodConstraint.Literal);
        }

        int index = 0;
        foreach ((string name, ParameterKind kind) in NamedParameters)
        {
            string local = "a" + name;
            switch (kind)
            {
                case ParameterKind.Ref:
                    locals.Add($"int {local} = 3;");
                    arguments.Add("ref " + local);
                    after.Add(local);
                    break;
                case ParameterKind.In:
                case ParameterKind.RefReadonly:
                    locals.Add($"int {local} = 4;");
                    arguments.Add("in " + local);
                    break;
                case ParameterKind.Out:
                    arguments.Add("out int " + local);
                    after.Add(local);
                    break;
                case ParameterKind.ScopedSpan:
                    arguments.Add("stackalloc int[] { 5, 6 }");
                    break;
                case ParameterKind.Span:
                    arguments.Add("new int[] { 3, 4 }");
                    break;
                case ParameterKind.NullableString:
                    arguments.Add(index % 2 == 0 ? "\"ab\"" : "null");
                    break;
                case ParameterKind.NullableInt:
                    arguments.Add(index % 2 == 0 ? "null" : "5");
                    break;
                case ParameterKind.Tuple:
                    arguments.Add("(1, \"xy\")");
                    break;
                case ParameterKind.Dynamic:
                    arguments.Add("6");
                    break;
                case ParameterKind.DynamicArgument:
                    arguments.Add("(dynamic)3");
                    break;
                case ParameterKind.Optional:
                    break;
                case ParameterKind.ParamsArray:
                    arguments.Add("1, 2, 3");
                    break;
                case ParameterKind.ParamsSpan:
                    arguments.Add("1, 2");
                    break;
                case ParameterKind.ParamsList:
                    arguments.Add("4, 5, 6");
                    break;
                default:
                    arguments.Add("2");
                    break;
            }

            index++;
        }

        return (string.Join(", ", arguments), locals, after);
    }

    /// <summary>
    /// Statements that call <c>M</c> through <paramref name="receiver"/> (<c>"h."</c>, <c>"this."</c>, <c>"Holder."</c>)
    /// and return a text of everything the call changed.
    /// </summary>
    private void WriteCallBlock(StringBuilder b, string indent, string receiver, string? field, string statics)
    {
        (string arguments, List<string> locals, List<string> after) = CallArguments();
        string typeArguments = _c.MethodGenerics == MethodGenerics.NotInferable ? "<" + MethodConstraint.Argument + ">" : "";
        string call = $"{receiver}M{typeArguments}({arguments})";
        foreach (string local in locals)
        {
            b.AppendLine(indent + local);
        }

        b.AppendLine(indent + "string s;");
        b.AppendLine(indent + _c.Return switch
        {
            ReturnKind.Void => $"{call}; s = \"v\";",
            ReturnKind.Ref => $"ref int r = ref {call}; r += 1; s = r.ToString();",
            ReturnKind.RefReadonly => $"ref readonly int r = ref {call}; s = r.ToString();",
            ReturnKind.Span => $"var sp = {call}; s = sp.Length + \":\" + sp[0];",
            ReturnKind.Task or ReturnKind.ValueTask => $"{call}.GetAwaiter().GetResult(); s = \"t\";",
            ReturnKind.TaskOfInt or ReturnKind.ValueTaskOfInt => $"s = Entry.Fmt({call}.GetAwaiter().GetResult());",
            ReturnKind.Iterator => $"s = string.Join(\",\", {call});",
            ReturnKind.AsyncIterator => $"s = Entry.Drain({call}).GetAwaiter().GetResult();",
            _ => $"s = Entry.Fmt({call});",
        });
        var state = after.Select(a => a + ".ToString()").ToList();
        if (field is not null)
        {
            state.Add(field + ".ToString()");
        }

        state.Add(statics + ".ToString()");
        b.AppendLine(indent + "return s + \"/\" + " + string.Join(" + \",\" + ", state) + ";");
    }

    private void WriteEntry(StringBuilder b)
    {
        b.AppendLine("public static class Entry");
        b.AppendLine("{");
        b.AppendLine("    internal static string Fmt(object? o) => o is null ? \"null\" : (o.ToString() ?? \"\");");
        b.AppendLine("    internal static async Task<string> Drain(IAsyncEnumerable<int> items) { var t = new System.Text.StringBuilder(); await foreach (int i in items) t.Append(i).Append(','); return t.ToString(); }");
        b.AppendLine("    private static string Describe(Exception e) => \"!\" + e.GetType().Name + \":\" + e.Message;");
        if (VisibleOutside)
        {
            b.AppendLine("    private static string Outside()");
            b.AppendLine("    {");
            string indent = "        ";
            if (_c.CallSite == CallSiteKind.Lambda)
            {
                b.AppendLine("        Func<string> call = () =>");
                b.AppendLine("        {");
                indent = "            ";
            }
            else if (_c.CallSite == CallSiteKind.LocalFunction)
            {
                b.AppendLine("        return Call();");
                b.AppendLine("        string Call()");
                b.AppendLine("        {");
                indent = "            ";
            }

            string receiver;
            string? field = null;
            if (_extension)
            {
                b.AppendLine(indent + "var h = new Target();");
                receiver = "h.";
                field = "h.F";
            }
            else if (_instance)
            {
                b.AppendLine(indent + $"var h = new {InstanceReference}();");
                receiver = "h.";
                field = "h.F";
            }
            else
            {
                receiver = HolderReference + ".";
            }

            WriteCallBlock(b, indent, receiver, field, (_extension ? "Holder" : HolderReference) + ".Last");
            if (_c.CallSite == CallSiteKind.Lambda)
            {
                b.AppendLine("        };");
                b.AppendLine("        return call();");
            }
            else if (_c.CallSite == CallSiteKind.LocalFunction)
            {
                b.AppendLine("        }");
            }

            b.AppendLine("    }");
        }

        string inside = _extension ? "Holder.Inside()" : _instance ? $"new {InstanceReference}().Inside()" : $"{HolderReference}.Inside()";
        b.AppendLine("    public static string Run()");
        b.AppendLine("    {");
        b.AppendLine("        string outside = \"-\", inside;");
        if (VisibleOutside)
        {
            b.AppendLine("        try { outside = Outside(); } catch (Exception e) { outside = Describe(e); }");
        }

        b.AppendLine($"        try {{ inside = {inside}; }} catch (Exception e) {{ inside = Describe(e); }}");
        b.AppendLine("        return outside + \"|\" + inside;");
        b.AppendLine("    }");
        b.AppendLine("}");
    }
}
