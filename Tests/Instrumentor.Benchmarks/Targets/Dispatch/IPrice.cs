namespace Instrumentor.Benchmarks.Targets.Dispatch;

/// <summary>An interface that no monitored method implements: its calls are not intercepted (the baseline).</summary>
public interface IPrice
{
    /// <summary>Adds.</summary>
    int Add(int a, int b);
}
