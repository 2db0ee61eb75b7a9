namespace Instrumentor.Collector.Otlp;

/// <summary>The two encodings of OTLP/HTTP; the answer is written in the encoding of the request.</summary>
internal enum OtlpEncoding
{
    Protobuf,
    Json,
}
