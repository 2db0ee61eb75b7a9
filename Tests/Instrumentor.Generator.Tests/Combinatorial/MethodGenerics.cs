namespace Instrumentor.Generator.Tests.Combinatorial;

/// <summary>Whether the method is generic, and whether its type argument can be inferred at the call.</summary>
internal enum MethodGenerics { None, Inferable, NotInferable }
