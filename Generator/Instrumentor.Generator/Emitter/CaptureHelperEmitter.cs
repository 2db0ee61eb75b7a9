using Instrumentor.Generator.Specs;

namespace Instrumentor.Generator.Emitter;

/// <summary>
/// Writes the helper a Summary, Repr or Json capture calls: a static method of the interceptors class that reads
/// the value on the caller's thread, at call time, and never throws (a failing getter, ToString or serializer is
/// stored as <c>&lt;error: ExceptionType&gt;</c>).
/// </summary>
internal static class CaptureHelperEmitter
{
    private const string Captured = "global::Instrumentor.Runtime.CapturedValue";

    /// <summary>Whether <paramref name="capture"/> goes through a helper.</summary>
    public static bool NeedsHelper(CaptureSpec capture) => capture.Kind is CaptureKind.Summary or CaptureKind.Repr or CaptureKind.Json;

    public static void Write(SourceWriter writer, CaptureSpec capture, string name)
    {
        writer.Line();
        writer.Line("[global::System.Diagnostics.StackTraceHidden]");
        switch (capture.Kind)
        {
            case CaptureKind.Summary:
                WriteSummary(writer, capture.Summary!, name);
                break;
            case CaptureKind.Repr:
                WriteGuarded(writer, capture, name, $"{Captured}.FromString(value.ToString())");
                break;
            case CaptureKind.Json:
                WriteGuarded(writer, capture, name,
                    $"{Captured}.FromString(global::System.Text.Json.JsonSerializer.Serialize(value, typeof({capture.Text}), {capture.Factory}.Default))");
                break;
        }
    }

    private static void WriteGuarded(SourceWriter writer, CaptureSpec capture, string name, string expression)
    {
        using (writer.Scope($"private static {Captured} {name}({capture.Text} value)"))
        {
            if (!capture.IsValueType)
            {
                using (writer.Scope("if (value is null)"))
                {
                    writer.Line($"return {Captured}.Null;");
                }
            }

            using (writer.Scope("try"))
            {
                writer.Line($"return {expression};");
            }

            using (writer.Scope("catch (global::System.Exception __error)"))
            {
                writer.Line($"return {Captured}.FromSerializerError(__error);");
            }
        }
    }

    private static void WriteSummary(SourceWriter writer, SummarySpec summary, string name)
    {
        using (writer.Scope($"private static {Captured} {name}({summary.Type} value)"))
        {
            if (!summary.IsValueType)
            {
                using (writer.Scope("if (value is null)"))
                {
                    writer.Line($"return {Captured}.Null;");
                }
            }

            writer.Line($"var __summary = new global::Instrumentor.Runtime.ObjectSummary({CSharpLiteral.String(summary.Display)}, {CSharpLiteral.Int(summary.More)});");
            for (int i = 0; i < summary.Properties.Length; i++)
            {
                SummaryPropertySpec property = summary.Properties[i];
                string slot = $"{CSharpLiteral.Int(i)}, {CSharpLiteral.String(property.Display)}";
                if (property.Capture.Kind == CaptureKind.Masked)
                {
                    // Never read: a masked getter does not run.
                    writer.Line($"__summary.Set({slot}, {Captured}.Masked);");
                    continue;
                }

                using (writer.Scope("try"))
                {
                    // Read once into a local: the capture expressions may name the value more than once.
                    writer.Line($"var __p{i} = value.{property.Name};");
                    writer.Line($"__summary.Set({slot}, {CaptureExpressions.For(property.Capture, "__p" + i)});");
                }

                using (writer.Scope("catch (global::System.Exception __error)"))
                {
                    writer.Line($"__summary.SetError({slot}, __error);");
                }
            }

            writer.Line("return __summary.ToCaptured();");
        }
    }
}
