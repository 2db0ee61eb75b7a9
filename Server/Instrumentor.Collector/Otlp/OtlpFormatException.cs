using System;

namespace Instrumentor.Collector.Otlp;

/// <summary>An OTLP body that cannot be decoded (bad protobuf, malformed OTLP/JSON): the request gets 400.</summary>
internal sealed class OtlpFormatException : Exception
{
    public OtlpFormatException(string message)
        : base(message)
    {
    }

    public OtlpFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
