namespace Instrumentor.Generator.Tests.Combinatorial;

/// <summary>Where the declaring type is declared.</summary>
internal enum Nesting { None, Nested, NestedInGeneric }
