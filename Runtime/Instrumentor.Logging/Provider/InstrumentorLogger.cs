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
    // A builder per thread, reused line after line; null while a line of this thread uses it.
    [ThreadStatic]
    private static LogFieldBuilder? t_builder;

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

    private KeyValuePair<string, object?>[] Fields<TState>(TState state)
    {
        IExternalScopeProvider? scopes = _sink.Scopes;
        if (scopes is null && state is IReadOnlyList<KeyValuePair<string, object?>> list)
        {
            // The common LoggerMessage case without scopes: one array of exactly the state's size, no list.
            return Copy(list);
        }

        // A builder per thread, taken for the call (a scope's ToString that logs gets a fresh one): the pairs are
        // gathered there and copied once into an array sized exactly, and the scope callback captures nothing, so
        // neither a closure nor a delegate is allocated per line.
        LogFieldBuilder builder = t_builder ?? new LogFieldBuilder();
        t_builder = null;
        try
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
            {
                for (int i = 0; i < pairs.Count; i++)
                {
                    builder.Fields.Add(pairs[i]);
                }
            }
            else if (state is IEnumerable<KeyValuePair<string, object?>> sequence)
            {
                builder.Fields.AddRange(sequence);
            }

            scopes?.ForEachScope(static (scope, b) => b.AddScope(scope), builder);
            return builder.ToArray();
        }
        finally
        {
            builder.Clear();
            t_builder = builder;
        }
    }

    private static KeyValuePair<string, object?>[] Copy(IReadOnlyList<KeyValuePair<string, object?>> pairs)
    {
        int count = pairs.Count;
        if (count == 0)
        {
            return [];
        }

        var fields = new KeyValuePair<string, object?>[count];
        for (int i = 0; i < count; i++)
        {
            fields[i] = pairs[i];
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
