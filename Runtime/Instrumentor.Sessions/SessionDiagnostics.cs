using System;
using System.Diagnostics.Tracing;

namespace Instrumentor.Sessions;

/// <summary>Self-diagnostics of the session tracer (EventSource <c>Instrumentor-Sessions</c>): failures that never reach the caller.</summary>
[EventSource(Name = "Instrumentor-Sessions")]
internal sealed class SessionDiagnostics : EventSource
{
    internal static readonly SessionDiagnostics Log = new();

    [Event(1, Level = EventLevel.Warning, Message = "Session batch write failed, retrying: {0}")]
    private void WriteFailedEvent(string error) => WriteEvent(1, error);

    [Event(2, Level = EventLevel.Warning, Message = "A session hook threw: {0}")]
    private void HookFailedEvent(string error) => WriteEvent(2, error);

    internal static void WriteFailed(Exception ex)
    {
        if (Log.IsEnabled())
        {
            Log.WriteFailedEvent(ex.ToString());
        }
    }

    internal static void HookFailed(Exception ex)
    {
        if (Log.IsEnabled())
        {
            Log.HookFailedEvent(ex.ToString());
        }
    }
}
