using System;
using System.Globalization;

namespace Instrumentor.Sessions.Storage;

/// <summary>Ids and timestamps in the store's text forms.</summary>
internal static class StoreText
{
    /// <summary>A new time-ordered id: a UUIDv7 as 32 lowercase hex.</summary>
    internal static string NewId() => Guid.CreateVersion7().ToString("N");

    /// <summary>UTC <c>YYYY-MM-DD HH:MM:SS.ffffff</c>, the form SQLite's <c>datetime()</c> compares with.</summary>
    internal static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    internal static string MessageType(MessageType type) => type switch
    {
        Sessions.MessageType.System => "system",
        Sessions.MessageType.User => "user",
        Sessions.MessageType.Assistant => "assistant",
        Sessions.MessageType.Tool => "tool",
        Sessions.MessageType.Observation => "observation",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown message type"),
    };

    internal static bool TryParseMessageType(string? text, out MessageType type)
    {
        switch (text)
        {
            case "system": type = Sessions.MessageType.System; return true;
            case "user": type = Sessions.MessageType.User; return true;
            case "assistant": type = Sessions.MessageType.Assistant; return true;
            case "tool": type = Sessions.MessageType.Tool; return true;
            case "observation": type = Sessions.MessageType.Observation; return true;
            default: type = default; return false;
        }
    }
}
