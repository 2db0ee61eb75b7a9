namespace Instrumentor.Generator.Specs;

/// <summary>One parameter of a monitored method, as the wrapper declares, forwards and captures it.</summary>
/// <param name="Name">The parameter name (escaped with @ when it is a keyword).</param>
/// <param name="Type">The fully qualified type (<c>global::</c> names).</param>
/// <param name="RefPrefix">"", "ref ", "out ", "in " or "ref readonly ": used in the signature.</param>
/// <param name="ArgumentPrefix">"", "ref ", "out " or "in ": used when forwarding the argument.</param>
/// <param name="IsThis">Whether it is the <c>this</c> parameter of an extension method.</param>
/// <param name="Capture">How its value is recorded.</param>
internal sealed record ParameterSpec(string Name, string Type, string RefPrefix, string ArgumentPrefix, bool IsThis, CaptureSpec Capture)
{
    /// <summary>"scoped " when the parameter is scoped (written, or implied as for <c>params Span&lt;T&gt;</c>): the interceptor must match it.</summary>
    public string ScopedPrefix { get; init; } = "";
}
