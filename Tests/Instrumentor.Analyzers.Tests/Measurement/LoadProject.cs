using System.Text;

namespace Instrumentor.Analyzers.Tests.Measurement;

/// <summary>
/// Generates a project of the size DESIGN §9 budgets for: 1,000 monitored methods in 20 classes and 1,000 call sites,
/// with a known number of findings so the measurement also checks the analyzers' answers.
/// </summary>
internal static class LoadProject
{
    public const int MethodCount = 1000;
    public const int MethodsPerClass = 50;

    /// <summary>
    /// Every 100th method is also used as a method group: one INSTR002 each. Few findings, as in a real project:
    /// reporting a diagnostic costs the analyzer driver far more than finding it (source suppression checks).
    /// </summary>
    public const int MethodGroupEvery = 100;

    /// <summary>Every 100th method takes a <c>string token</c>: one INSTR008 each.</summary>
    public const int SensitiveEvery = 100;

    public static int ExpectedMethodGroups => MethodCount / MethodGroupEvery;

    public static int ExpectedSensitiveParameters => MethodCount / SensitiveEvery;

    /// <summary>The declarations, one source text per class of monitored methods.</summary>
    public static string[] MonitoredClasses()
    {
        var classes = new string[MethodCount / MethodsPerClass];
        for (var c = 0; c < classes.Length; c++)
        {
            var source = new StringBuilder();
            source.AppendLine("using System;").AppendLine("using Instrumentor;").AppendLine("namespace Load;");
            source.Append("public static class Service").Append(c).AppendLine();
            source.AppendLine("{");
            for (var m = c * MethodsPerClass; m < (c + 1) * MethodsPerClass; m++)
            {
                var second = m % SensitiveEvery == 0 ? "string token" : "string name";
                source.Append("    [Monitor(ProcessGroup = \"load\", SampleRate = 0.5)] public static int Process")
                    .Append(m).Append("(int value, ").Append(second).AppendLine(") => value + 1;");
            }

            source.AppendLine("}");
            classes[c] = source.ToString();
        }

        return classes;
    }

    /// <summary>One call to every monitored method, in ordinary methods, plus the method-group uses.</summary>
    public static string CallSites()
    {
        var source = new StringBuilder();
        source.AppendLine("using System;").AppendLine("namespace Load;").AppendLine("public static class Callers").AppendLine("{");
        for (var m = 0; m < MethodCount; m++)
        {
            var owner = "Service" + (m / MethodsPerClass);
            source.Append("    public static int Call").Append(m).Append("(int x) => ")
                .Append(owner).Append(".Process").Append(m).AppendLine("(x, \"n\") + Math.Abs(x);");
            if (m % MethodGroupEvery == 0)
            {
                source.Append("    public static Func<int, string, int> Group").Append(m).Append("() => ")
                    .Append(owner).Append(".Process").Append(m).AppendLine(";");
            }
        }

        source.AppendLine("}");
        return source.ToString();
    }
}
