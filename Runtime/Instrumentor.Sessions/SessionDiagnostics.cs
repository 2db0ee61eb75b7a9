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

    [Event(3, Level = EventLevel.Error, Message = "{0} session rows were refused by the store and set aside ({1}): {2}")]
    private void RowsRejectedEvent(int rows, string where, string error) => WriteEvent(3, rows, where, error);

    internal static void RowsRejected(int rows, Exception reason, string? savedTo)
    {
        if (Log.IsEnabled())
        {
            Log.RowsRejectedEvent(rows, savedTo ?? "not saved", reason.GetType().Name + ": " + reason.Message);
        }
    }

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
