using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Instrumentor.Sessions.Tests.Ai;

/// <summary>A monitored caller of the chat client: its span is the parent the LLM-call span must name.</summary>
public sealed class Agent
{
    [Monitor(ProcessGroup = "agent")]
    public async Task<string> ThinkAsync(IChatClient chat, string question)
    {
        ChatResponse response = await chat.GetResponseAsync(question);
        return response.Text;
    }
}
