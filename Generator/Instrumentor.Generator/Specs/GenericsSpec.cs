namespace Instrumentor.Generator.Specs;

/// <summary>The type parameter list (<c>&lt;T, U&gt;</c>) and constraint clauses of a generic wrapper; empty otherwise.</summary>
internal sealed record GenericsSpec(string TypeParameters, string Constraints)
{
    public static readonly GenericsSpec None = new("", "");
}
