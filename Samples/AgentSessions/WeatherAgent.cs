using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor;
using Instrumentor.Sessions;
using Microsoft.Extensions.AI;

namespace AgentSessions;

/// <summary>
/// The agent loop: each user turn is a timestep; the model may call the weather tool (a runtime event), whose
/// result goes back to the model. [Monitor] makes every turn a span; the LLM calls are spans under it.
/// </summary>
internal sealed class WeatherAgent(IChatClient chat, SessionTracer tracer)
{
    private readonly List<ChatMessage> _history = [new(ChatRole.System, "You are a weather assistant.")];

    [Monitor(ProcessGroup = "agent")]
    public async Task<string> RunTurnAsync(int turn, string userText)
    {
        await using TimestepScope step = await tracer.StartTimestepAsync("turn" + turn, turnNumber: turn);
        _history.Add(new ChatMessage(ChatRole.User, userText));
        await tracer.RecordMessageAsync(userText, MessageType.User);
        try
        {
            ChatResponse response = await chat.GetResponseAsync(_history);
            FunctionCallContent? call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().FirstOrDefault();
            if (call is not null)
            {
                _history.AddRange(response.Messages);
                string result = await CallToolAsync(call);
                _history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, result)]));
                await tracer.RecordMessageAsync(result, MessageType.Tool);
                response = await chat.GetResponseAsync(_history);
            }

            _history.AddRange(response.Messages);
            await tracer.RecordMessageAsync(response.Text, MessageType.Assistant);
            return response.Text;
        }
        catch (InvalidOperationException e)
        {
            // The failed call is already recorded (status ERR); the agent tells the user and goes on.
            await tracer.RecordEventAsync(new EnvironmentEvent { Observation = "model unavailable", Reward = -1 });
            return "Sorry, the model failed: " + e.Message;
        }
    }

    [Monitor(ProcessGroup = "agent.tools")]
    private async Task<string> CallToolAsync(FunctionCallContent call)
    {
        await tracer.RecordEventAsync(new RuntimeEvent { Action = call.Name, Metadata = new() { ["call_id"] = call.CallId, ["city"] = call.Arguments?["city"] } });
        await Task.Delay(5);
        return "18°C and sunny";
    }
}
