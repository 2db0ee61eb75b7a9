using System;
using System.Globalization;
using Instrumentor.Collector.Store;
using Microsoft.AspNetCore.Http;

namespace Instrumentor.Collector.Query;

/// <summary>Reads the query string of the query API; a bad value names its parameter (<c>?from</c>) in the fault.</summary>
internal sealed class QueryParameters
{
    private readonly IQueryCollection _query;

    public QueryParameters(HttpRequest request) => _query = request.Query;

    /// <summary>The first fault found, as (parameter path, message).</summary>
    public (string Path, string Message)? Fault { get; private set; }

    public string? Text(string name)
    {
        string? value = _query[name];
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public long? Time(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        if (StoreText.TryParseTime(text, out long micros))
        {
            return micros;
        }

        Fail(name, $"'{text}' is not an ISO 8601 time (e.g. 2026-12-01T17:52:25Z)");
        return null;
    }

    public int Integer(string name, int defaultValue, int min, int max)
    {
        if (Text(name) is not { } text)
        {
            return defaultValue;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
        {
            return value;
        }

        Fail(name, $"{name} must be an integer from {min} to {max}");
        return defaultValue;
    }

    public string? Status()
    {
        switch (Text("status"))
        {
            case null:
                return null;
            case "OK":
                return "OK";
            case "ERR":
                return "ERR";
            case var other:
                Fail("status", $"status must be OK or ERR, not '{other}'");
                return null;
        }
    }

    public SpanCursor? Cursor()
    {
        if (Text("cursor") is not { } text)
        {
            return null;
        }

        if (SpanCursor.TryDecode(text, out SpanCursor cursor))
        {
            return cursor;
        }

        Fail("cursor", "cursor is not one this server gave (use next_cursor of the previous page as is)");
        return null;
    }

    public void Fail(string name, string message) => Fault ??= ("?" + name, message);

    /// <summary>Fails when <c>from</c> is not before <c>to</c>.</summary>
    public void CheckRange(long? from, long? to)
    {
        if (from is { } f && to is { } t && f >= t)
        {
            Fail("from", "from must be earlier than to");
        }
    }
}
