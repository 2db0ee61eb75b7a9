namespace Instrumentor.Generator;

/// <summary>Names of the incremental steps, so tests can check what was cached after an edit.</summary>
internal static class TrackingNames
{
    public const string MonitorDeclarations = nameof(MonitorDeclarations);
    public const string TraceTimeDeclarations = nameof(TraceTimeDeclarations);
    public const string DeclaredTargets = nameof(DeclaredTargets);
    public const string CallSites = nameof(CallSites);
    public const string Interceptors = nameof(Interceptors);
}
