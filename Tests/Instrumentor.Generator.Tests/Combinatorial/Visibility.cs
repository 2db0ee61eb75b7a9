namespace Instrumentor.Generator.Tests.Combinatorial;

/// <summary>The method's accessibility.</summary>
internal enum Visibility { Public, Internal, ProtectedInternal, Protected, PrivateProtected, Private }
