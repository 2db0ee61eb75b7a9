namespace Instrumentor.Sessions;

/// <summary>What a model costs, in US dollars per million tokens.</summary>
/// <param name="InputPerMTok">Dollars per million input (prompt) tokens.</param>
/// <param name="OutputPerMTok">Dollars per million output (completion) tokens.</param>
public readonly record struct ModelPrice(decimal InputPerMTok, decimal OutputPerMTok)
{
    /// <summary>The cost of a call with these token counts.</summary>
    public decimal Cost(long inputTokens, long outputTokens) =>
        (inputTokens * InputPerMTok + outputTokens * OutputPerMTok) / 1_000_000m;
}
