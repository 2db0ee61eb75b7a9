namespace Instrumentor.Sessions;

/// <summary>Who a message is from; stored lowercase in <c>messages.message_type</c>.</summary>
public enum MessageType
{
    /// <summary>The system prompt.</summary>
    System,

    /// <summary>The user.</summary>
    User,

    /// <summary>The model.</summary>
    Assistant,

    /// <summary>A tool's answer.</summary>
    Tool,

    /// <summary>An observation from the environment.</summary>
    Observation,
}
