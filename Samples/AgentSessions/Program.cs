using System;
using System.Globalization;
using AgentSessions;
using Instrumentor;
using Instrumentor.Sessions;
using Microsoft.Extensions.AI;

// Spans and sessions go to the same file: INSTRUMENTOR_DB, or ./traces.db.
var options = new SessionTracerOptions();
options.Prices["fake-gpt-4o"] = new ModelPrice(InputPerMTok: 2.50m, OutputPerMTok: 10.00m);
await using var tracer = new SessionTracer(options);
tracer.Hooks.Register(HookPoint.EventRecorded, e =>
{
    if (e is LlmCallEvent { Status: "ERR" } failed)
    {
        Console.WriteLine($"  [hook] LLM call failed: {failed.Error}");
    }

    return default;
});

IChatClient chat = new ScriptedChatClient().AsBuilder().UseInstrumentor(tracer).Build();
var agent = new WeatherAgent(chat, tracer);
string sessionId;
await using (SessionScope session = await tracer.StartSessionAsync(metadata: new() { ["user"] = "sample", ["task"] = "weather" }))
{
    sessionId = session.SessionId;
    string[] turns = ["Hi!", "What is the weather in Paris?", "Simulate an overload, please."];
    for (int i = 0; i < turns.Length; i++)
    {
        Console.WriteLine($"user> {turns[i]}");
        Console.WriteLine($"agent> {await agent.RunTurnAsync(i + 1, turns[i])}");
    }
}

await tracer.FlushAsync(TimeSpan.FromSeconds(10));
await Monitoring.FlushAsync(TimeSpan.FromSeconds(10));

// Read the session back from the store, as a dashboard or a notebook would.
using SessionStore store = SessionStore.Open(options.DatabasePath);
SessionDetail detail = store.GetSession(sessionId)!;
SessionSummary s = detail.Summary;
int llmCalls = 0, failedCalls = 0;
foreach (SessionEvent e in detail.Events)
{
    if (e is LlmCallEvent call)
    {
        llmCalls++;
        failedCalls += call.Status == "ERR" ? 1 : 0;
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Session {s.SessionId} in {options.DatabasePath}: {s.NumTimesteps} timesteps, {s.NumEvents} events ({llmCalls} LLM calls, {failedCalls} failed), {s.NumMessages} messages"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Tokens: {s.InputTokens} in, {s.OutputTokens} out, {s.TotalTokens} total; cost ${s.CostUsd:0.000000}"));
