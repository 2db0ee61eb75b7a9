namespace Instrumentor.Sessions;

/// <summary>What one model cost over a time range (<see cref="SessionStore.CostByModel"/>).</summary>
/// <param name="ModelName">The model.</param>
/// <param name="Calls">LLM calls.</param>
/// <param name="InputTokens">Input tokens.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="CostUsd">Dollars.</param>
public sealed record ModelCost(string ModelName, long Calls, long InputTokens, long OutputTokens, decimal CostUsd);
