using System;

namespace Instrumentor.Sessions;

/// <summary>A session document (an ingest body or an export line) that does not have the expected shape.</summary>
public sealed class SessionJsonException : FormatException
{
    /// <summary>Creates the exception for the value at <paramref name="path"/>.</summary>
    public SessionJsonException(string path, string message)
        : base($"{path}: {message}")
    {
        Path = path;
    }

    /// <summary>The JSON path of the faulty value, e.g. <c>$.events[3].input_tokens</c>.</summary>
    public string Path { get; }
}
