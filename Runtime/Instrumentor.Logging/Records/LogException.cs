using System;

namespace Instrumentor.Logging;

/// <summary>An exception as a log line carries it: <c>type</c>, <c>message</c>, <c>stack</c> and the <c>inner</c> one.</summary>
/// <param name="Type">The exception's full type name.</param>
/// <param name="Message">Its message.</param>
/// <param name="Stack">Its stack trace, or null when it was never thrown.</param>
/// <param name="Inner">The inner exception (the first one of an <see cref="AggregateException"/>), or null.</param>
public sealed record LogException(string Type, string Message, string? Stack, LogException? Inner)
{
    // Deep chains are cut: a line must stay small, and a cycle (a custom InnerException) must not hang the logger.
    private const int MaxDepth = 8;

    /// <summary>The structured form of <paramref name="exception"/> and its inner exceptions.</summary>
    public static LogException From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return From(exception, 0);
    }

    private static LogException From(Exception exception, int depth)
    {
        Exception? inner = exception is AggregateException { InnerExceptions.Count: > 0 } aggregate
            ? aggregate.InnerExceptions[0]
            : exception.InnerException;
        return new LogException(
            exception.GetType().FullName ?? exception.GetType().Name,
            exception.Message,
            exception.StackTrace,
            inner is null || depth + 1 >= MaxDepth ? null : From(inner, depth + 1));
    }
}
