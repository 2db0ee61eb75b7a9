using System;

namespace Instrumentor.Activities;

/// <summary>
/// The OpenTelemetry <c>code.namespace</c> and <c>code.function</c> of a monitored method and the tag names of its
/// arguments, worked out once per site from what the generated descriptor already holds (its signature, as C#
/// displays it, and its process name), so the bridge needs nothing new in the emitted code.
/// </summary>
internal sealed class SiteCodeNames
{
    private const string ArgumentPrefix = "instrumentor.arg.";

    private SiteCodeNames(string codeNamespace, string function, string[] argumentTags)
    {
        CodeNamespace = codeNamespace;
        Function = function;
        ArgumentTags = argumentTags;
    }

    /// <summary>The declaring type, with its namespace when the process name shows it (<c>App.Orders.OrderService</c>).</summary>
    internal string CodeNamespace { get; }

    /// <summary>The method's name (<c>PriceOrder</c>).</summary>
    internal string Function { get; }

    /// <summary><c>instrumentor.arg.&lt;name&gt;</c> for each captured parameter, in capture order.</summary>
    internal string[] ArgumentTags { get; }

    /// <summary>The names of a site; never throws (a signature it cannot read falls back on the process name).</summary>
    internal static SiteCodeNames Of(string process, string? signature, string[] parameterNames)
    {
        string[] tags = new string[parameterNames.Length];
        for (int i = 0; i < tags.Length; i++)
        {
            tags[i] = ArgumentPrefix + parameterNames[i];
        }

        if (signature is not null && TrySplit(signature, out string type, out string method))
        {
            // The default process name is "Namespace.Type.Method": it gives the namespace the signature leaves out.
            string suffix = "." + method;
            string codeNamespace = process.EndsWith(type + suffix, StringComparison.Ordinal) && process.Length > suffix.Length
                ? process.Substring(0, process.Length - suffix.Length)
                : type;
            return new SiteCodeNames(codeNamespace, method, tags);
        }

        int dot = process.LastIndexOf('.');
        return dot > 0 && dot < process.Length - 1
            ? new SiteCodeNames(process.Substring(0, dot), process.Substring(dot + 1), tags)
            : new SiteCodeNames("", process, tags);
    }

    /// <summary>
    /// Splits <c>ReturnType Outer.Type&lt;T&gt;.Method&lt;U&gt;(parameters)</c> into the type (with its containing
    /// types and type parameters) and the method name (without type parameters).
    /// </summary>
    internal static bool TrySplit(string signature, out string type, out string method)
    {
        type = method = "";
        // The parameter list is the last top-level "( ... )"; the return type may be a tuple.
        int open = MatchBackwards(signature, signature.Length - 1, '(', ')');
        if (open <= 0)
        {
            return false;
        }

        int nameEnd = open;
        if (signature[nameEnd - 1] == '>')
        {
            nameEnd = MatchBackwards(signature, nameEnd - 1, '<', '>');
            if (nameEnd <= 0)
            {
                return false;
            }
        }

        int dot = -1;
        int start = 0;
        int depth = 0;
        for (int i = nameEnd - 1; i >= 0; i--)
        {
            char c = signature[i];
            if (c is '>' or ')')
            {
                depth++;
            }
            else if (c is '<' or '(')
            {
                depth--;
            }
            else if (depth == 0 && c == '.' && dot < 0)
            {
                dot = i;
            }
            else if (depth == 0 && c == ' ')
            {
                start = i + 1;
                break;
            }
        }

        if (dot <= start)
        {
            return false;
        }

        type = signature.Substring(start, dot - start);
        method = signature.Substring(dot + 1, nameEnd - dot - 1);
        return method.Length > 0;
    }

    /// <summary>The index of the <paramref name="open"/> matching the <paramref name="close"/> at <paramref name="end"/>; -1 if none.</summary>
    private static int MatchBackwards(string text, int end, char open, char close)
    {
        if (end < 0 || text[end] != close)
        {
            return -1;
        }

        int depth = 0;
        for (int i = end; i >= 0; i--)
        {
            if (text[i] == close)
            {
                depth++;
            }
            else if (text[i] == open && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }
}
