namespace Instrumentor.Export;

/// <summary>What an exporter speaks: the Instrumentor collector's JSON ingest, or OTLP/HTTP protobuf.</summary>
internal enum ExportWire
{
    Collector,
    Otlp,
}
