using Instrumentor.Runtime;

namespace Instrumentor.Sessions.Ai;

/// <summary>
/// The span of an LLM call: one [Monitor]-style site per operation whose captured values carry the OpenTelemetry
/// GenAI semantic-convention names (stored in <c>data_trace</c>, shown in the dashboard like any argument).
/// </summary>
internal static class GenAiAttributes
{
    internal const int OperationName = 0;
    internal const int ProviderName = 1;
    internal const int RequestModel = 2;
    internal const int ResponseModel = 3;
    internal const int InputTokens = 4;
    internal const int OutputTokens = 5;
    internal const int TotalTokens = 6;
    internal const int FinishReasons = 7;
    internal const int ResponseId = 8;
    internal const int CostUsd = 9;
    internal const int TimeToFirstTokenMs = 10;
    internal const int SessionId = 11;

    private static readonly string[] s_names =
    [
        "gen_ai.operation.name",
        "gen_ai.provider.name",
        "gen_ai.request.model",
        "gen_ai.response.model",
        "gen_ai.usage.input_tokens",
        "gen_ai.usage.output_tokens",
        "gen_ai.usage.total_tokens",
        "gen_ai.response.finish_reasons",
        "gen_ai.response.id",
        "instrumentor.cost_usd",
        "instrumentor.time_to_first_token_ms",
        "instrumentor.session_id",
    ];

    /// <summary>The process group of LLM-call spans.</summary>
    internal const string ProcessGroup = "gen_ai";

    internal static readonly MonitorSite Response = new("Microsoft.Extensions.AI.IChatClient.GetResponseAsync", ProcessGroup, s_names, 1.0, 1000);

    internal static readonly MonitorSite Streaming = new("Microsoft.Extensions.AI.IChatClient.GetStreamingResponseAsync", ProcessGroup, s_names, 1.0, 1000);
}
