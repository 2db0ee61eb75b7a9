using System.Diagnostics.Tracing;

namespace Instrumentor;

/// <summary>
/// Self-diagnostics of the library (EventSource "Instrumentor"): what went wrong inside the tracer, visible with
/// dotnet-trace or an EventListener, never thrown into the traced program.
/// </summary>
[EventSource(Name = "Instrumentor")]
internal sealed class InstrumentorEventSource : EventSource
{
    internal static readonly InstrumentorEventSource Log = new();

    [Event(1, Level = EventLevel.Error, Message = "{0}")]
    internal void Error(string message) => WriteEvent(1, message);

    [Event(2, Level = EventLevel.Warning, Message = "{0}")]
    internal void Warning(string message) => WriteEvent(2, message);
}
