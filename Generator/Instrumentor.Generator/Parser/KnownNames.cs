namespace Instrumentor.Generator.Parser;

/// <summary>The metadata names the generator looks for.</summary>
internal static class KnownNames
{
    public const string Namespace = "Instrumentor";
    public const string MonitorAttribute = "Instrumentor.MonitorAttribute";
    public const string TraceTimeAttribute = "Instrumentor.TraceTimeAttribute";
    public const string MonitorAttributeName = "MonitorAttribute";
    public const string TraceTimeAttributeName = "TraceTimeAttribute";
    public const string MonitorAllAttributeName = "MonitorAllAttribute";
    public const string SensitiveAttributeName = "SensitiveAttribute";
    public const string NotCapturedAttributeName = "NotCapturedAttribute";
    public const string LegacyProcessGroup = "legacy.time";
    public const int DefaultMaxLength = 1000;
}
