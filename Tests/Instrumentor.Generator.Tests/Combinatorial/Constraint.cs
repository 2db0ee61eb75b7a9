using System.Collections.Generic;
using System.Linq;

namespace Instrumentor.Generator.Tests.Combinatorial;

/// <summary>A type parameter constraint, the type argument that satisfies it, and whether values of it can be boxed.</summary>
internal sealed record Constraint(string Name, string Clause, string Argument, string Literal, bool AllowsRefStruct)
{
    public static IReadOnlyList<Constraint> All { get; } = new[]
    {
        new Constraint("unconstrained", "", "int", "7", false),
        new Constraint("class", "class", "string", "\"s7\"", false),
        new Constraint("class?", "class?", "string", "\"s7\"", false),
        new Constraint("struct", "struct", "int", "7", false),
        new Constraint("notnull", "notnull", "int", "7", false),
        new Constraint("unmanaged", "unmanaged", "long", "7L", false),
        new Constraint("IComparable<T>", "global::System.IComparable<{0}>", "int", "7", false),
        new Constraint("IComparable, IConvertible", "global::System.IComparable, global::System.IConvertible", "int", "7", false),
        new Constraint("new()", "new()", "int", "7", false),
        new Constraint("class, new()", "class, new()", "object", "new object()", false),
        new Constraint("allows ref struct", "allows ref struct", "int", "7", true),
    };

    /// <summary>The <c>where</c> clause for type parameter <paramref name="name"/>, or empty.</summary>
    public string WhereClause(string name) => Clause.Length == 0 ? "" : $" where {name} : {string.Format(Clause, name)}";

    public static Constraint Unconstrained => All.First();
}
