using Instrumentor.Generator.Specs;

namespace Instrumentor.Generator.Emitter;

/// <summary>The C# expression that captures a value according to its <see cref="CaptureSpec"/>.</summary>
internal static class CaptureExpressions
{
    private const string Captured = "global::Instrumentor.Runtime.CapturedValue";

    /// <summary>Whether evaluating the capture calls into user code (which may throw).</summary>
    public static bool RunsUserCode(CaptureSpec capture) => capture.Kind is CaptureKind.Count or CaptureKind.Keys;

    /// <param name="capture">How the value is captured.</param>
    /// <param name="value">The expression of the value (an identifier).</param>
    /// <param name="helper">For Summary, Repr and Json: the generated helper method (<see cref="CaptureHelperEmitter"/>).</param>
    public static string For(CaptureSpec capture, string value, string helper = "") => capture.Kind switch
    {
        CaptureKind.Summary or CaptureKind.Repr or CaptureKind.Json => $"{helper}({value})",
        CaptureKind.Masked => Captured + ".Masked",
        CaptureKind.Factory => $"{Captured}.{capture.Factory}({capture.Cast}{value})",
        CaptureKind.NullableFactory =>
            $"{value}.HasValue ? {Captured}.{capture.Factory}({capture.Cast}{value}.GetValueOrDefault()) : {Captured}.Null",
        CaptureKind.Text => $"{Captured}.FromText({CSharpLiteral.String(capture.Text)})",
        CaptureKind.TextUnlessNull => $"{Captured}.FromTextUnlessNull({value}, {CSharpLiteral.String(capture.Text)})",
        CaptureKind.Count => $"{Captured}.FromCount({CSharpLiteral.String(capture.Text)}, {NullSafe(value, "Count")})",
        CaptureKind.Length when capture.Factory == "span" => $"{Captured}.FromLength({CSharpLiteral.String(capture.Text)}, {value}.Length)",
        CaptureKind.Length => $"{Captured}.FromLength({CSharpLiteral.String(capture.Text)}, {NullSafe(value, "Length")})",
        CaptureKind.Keys => $"{value} is var {Copy(value)} && {Copy(value)} is not null ? {Captured}.FromKeys({Copy(value)}.Keys, {Copy(value)}.Count) : {Captured}.Null",
        CaptureKind.Formatter => $"{Captured}.FromFormatter({value}, global::Instrumentor.Runtime.FormatterCache<{capture.Factory}>.Instance)",
        _ => Captured + ".Null",
    };

    /// <summary>
    /// <c>value?.Member</c>, read through a copy: a null test on the parameter itself would teach the compiler's
    /// nullable analysis that it may be null, and passing it on to the target would then warn (CS8604) in the
    /// user's build. The copy is named after the value, so captures in one block never clash.
    /// </summary>
    private static string NullSafe(string value, string member)
    {
        string copy = Copy(value);
        return $"{value} is var {copy} && {copy} is not null ? {copy}.{member} : null";
    }

    private static string Copy(string value) => "__n_" + value.TrimStart('@');
}
