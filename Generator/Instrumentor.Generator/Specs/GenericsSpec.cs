namespace Instrumentor.Generator.Specs;

/// <summary>The type parameter list (<c>&lt;T, U&gt;</c>) and constraint clauses of a generic wrapper; empty otherwise.</summary>
internal sealed record GenericsSpec(string TypeParameters, string Constraints)
{
    /// <summary>The method's own type arguments (<c>&lt;TResult&gt;</c>) passed explicitly at the call: they cannot always be inferred (CS0411).</summary>
    public string MethodTypeArguments { get; init; } = "";

    public static readonly GenericsSpec None = new("", "");
}
