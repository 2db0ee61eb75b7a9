namespace Instrumentor.Collector.Store;

/// <summary>One row of the <c>site</c> table: a method of a service, as interned by the store, with its declaration.</summary>
internal sealed record SiteInfo(long Id, string Process, string? ProcessGroup, string? Service, string? SourceFile, int? SourceLine, string? Signature);
