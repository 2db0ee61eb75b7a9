using Microsoft.Extensions.Logging;

namespace Instrumentor.Logging;

/// <summary>Where an <see cref="InstrumentorLogger"/> puts its lines: the provider's pipeline, or a <see cref="BufferedLogger"/>'s list.</summary>
internal interface ILogRecordSink
{
    LogLevel MinLevel { get; }

    string? Service { get; }

    IExternalScopeProvider? Scopes { get; }

    LoggingCounters Counters { get; }

    void Add(LogRecord record);
}
