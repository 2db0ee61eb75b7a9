namespace Instrumentor.Benchmarks.Targets.Dispatch;

/// <summary>An interface with a monitored sealed implementation: its calls test <c>is MonitoredQuote</c>.</summary>
public interface IQuote
{
    /// <summary>Adds.</summary>
    int Add(int a, int b);
}
