using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace Instrumentor.Logging;

/// <summary>
/// The <see cref="ILogger"/> of one category. Builds a <see cref="LogRecord"/> on the caller's thread (the message,
/// the state's key/value pairs, the scopes' values, the exception as a structured value, the current span's ids) and
/// hands it to its sink. No reflection: state is read through <see cref="IReadOnlyList{T}"/> of key/value pairs, which
/// is what <c>LoggerMessage</c>-generated code and message templates produce. Never throws into the application.
/// </summary>
internal sealed class InstrumentorLogger : ILogger
{
    private readonly string _category;
    private readonly ILogRecordSink _sink;

    internal InstrumentorLogger(string category, ILogRecordSink sink)
    {
        _category = category;
        _sink = sink;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _sink.Scopes?.Push(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= _sink.MinLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        try
        {
            SpanStamp stamp = SpanStamp.Current();
            _sink.Add(new LogRecord(LevelName(logLevel), formatter(state, exception) ?? "")
            {
                Logger = _category,
                TraceId = stamp.TraceId,
                SpanId = stamp.SpanId,
                ParentId = stamp.ParentId,
                Exception = exception is null ? null : LogException.From(exception),
                EventId = eventId.Id,
                Service = _sink.Service,
                Fields = Fields(state),
            });
        }
        catch (Exception e)
        {
            // A formatter or a ToString of the user's that throws costs the line, never the caller's operation.
            Interlocked.Increment(ref _sink.Counters.Errors);
            SelfDiagnostics.Warning($"Instrumentor.Logging: a line of {_category} could not be recorded: {e.GetType().Name}: {e.Message}");
        }
    }

    private List<KeyValuePair<string, object?>> Fields<TState>(TState state)
    {
        var fields = new List<KeyValuePair<string, object?>>();
        if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
        {
            for (int i = 0; i < pairs.Count; i++)
            {
                fields.Add(pairs[i]);
            }
        }
        else if (state is IEnumerable<KeyValuePair<string, object?>> sequence)
        {
            fields.AddRange(sequence);
        }

        if (_sink.Scopes is { } scopes)
        {
            List<string>? texts = null;
            scopes.ForEachScope(
                (scope, _) =>
                {
                    // A dictionary or the pairs of a scope template (BeginScope("order {Id}", id)); a scope's template
                    // is not the line's, so only its values become fields.
                    if (scope is IEnumerable<KeyValuePair<string, object?>> scopePairs)
                    {
                        foreach (KeyValuePair<string, object?> pair in scopePairs)
                        {
                            if (pair.Key != "{OriginalFormat}")
                            {
                                fields.Add(pair);
                            }
                        }
                    }
                    else if (scope?.ToString() is { } text)
                    {
                        (texts ??= []).Add(text);
                    }
                },
                (object?)null);
            if (texts is not null)
            {
                fields.Add(new KeyValuePair<string, object?>("scopes", texts.ToArray()));
            }
        }

        return fields;
    }

    internal static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        LogLevel.Critical => "Critical",
        _ => "None",
    };
}
