namespace Instrumentor.Generator.Tests.Combinatorial;

/// <summary>How the outside call site is written.</summary>
internal enum CallSiteKind { Direct, Lambda, LocalFunction }
