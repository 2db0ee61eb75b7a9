using System;
using Instrumentor.Sessions;
using Instrumentor.Sessions.Ai;

namespace Microsoft.Extensions.AI;

/// <summary>Adds Instrumentor's session tracing to a Microsoft.Extensions.AI chat pipeline.</summary>
public static class ChatClientBuilderExtensions
{
    /// <summary>
    /// Records every chat call of the pipeline into <paramref name="tracer"/> (see <see cref="InstrumentorChatClient"/>):
    /// <c>chat = inner.AsBuilder().UseInstrumentor(tracer).Build();</c>
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="tracer">Where the calls are recorded.</param>
    /// <param name="configure">Sets <see cref="InstrumentorChatClient.SystemInstanceId"/> or <see cref="InstrumentorChatClient.RecordSpans"/>.</param>
    public static ChatClientBuilder UseInstrumentor(this ChatClientBuilder builder, SessionTracer tracer, Action<InstrumentorChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(tracer);
        return builder.Use(inner =>
        {
            var client = new InstrumentorChatClient(inner, tracer);
            configure?.Invoke(client);
            return client;
        });
    }
}
