namespace Instrumentor.Generator.Tests.Combinatorial;

/// <summary>Static, instance or extension method.</summary>
internal enum MethodKind { Static, Instance, Extension }
