namespace Instrumentor.Benchmarks.Targets.Dispatch;

/// <summary>
/// An interface whose monitored implementation has a generic subclass that overrides it: generated code cannot name
/// that subclass, so the calls use exact-type tests (<c>GetType() == typeof(MonitoredScore)</c>).
/// </summary>
public interface IScore
{
    /// <summary>Adds.</summary>
    int Add(int a, int b);
}
