namespace Instrumentor.Benchmarks.Targets.Dispatch;

/// <summary>An interface with a monitored unsealed implementation: its calls test <c>is OpenMonitoredRate</c>.</summary>
public interface IRate
{
    /// <summary>Adds.</summary>
    int Add(int a, int b);
}
