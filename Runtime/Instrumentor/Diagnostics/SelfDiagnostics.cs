using System;

namespace Instrumentor;

/// <summary>
/// Reports problems of the tracer itself: to the EventSource, and as one line on stderr for the ones a user must
/// act on (an unwritable database). Callers report once per failure streak, not once per record.
/// </summary>
internal static class SelfDiagnostics
{
    /// <summary>Reports an error that needs the user's attention.</summary>
    internal static void Error(string message)
    {
        InstrumentorEventSource.Log.Error(message);
        WriteLine(message);
    }

    /// <summary>Reports a condition worth knowing (queue filling up).</summary>
    internal static void Warning(string message)
    {
        InstrumentorEventSource.Log.Warning(message);
        WriteLine(message);
    }

    private static void WriteLine(string message)
    {
        try
        {
            Console.Error.WriteLine("Instrumentor: " + message);
        }
        catch
        {
            // stderr closed: the EventSource still has it.
        }
    }
}
