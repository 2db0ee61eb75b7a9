namespace Instrumentor.Generator.Specs;

/// <summary>The values of <c>[Monitor]</c> (or its class-level / legacy equivalents) for one method.</summary>
internal sealed record MonitorSettings(
    string ProcessName,
    string? ProcessGroup,
    double SampleRate,
    bool CaptureArgs,
    bool CaptureResult,
    int MaxLength);
