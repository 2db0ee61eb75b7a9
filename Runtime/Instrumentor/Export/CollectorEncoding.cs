using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Instrumentor.Export;

/// <summary>The collector's ingest API: one span to <c>/v1/uploads/stream</c>, a batch (with its id) to <c>/v1/uploads</c>, JSON.</summary>
internal sealed class CollectorEncoding : IExportEncoding
{
    internal const string StreamPath = "v1/uploads/stream";
    internal const string BatchPath = "v1/uploads";
    private const string ContentType = "application/json";

    private readonly Uri _stream;
    private readonly Uri _batch;

    internal CollectorEncoding(Uri endpoint)
    {
        Uri root = Root(endpoint);
        _stream = new Uri(root, StreamPath);
        _batch = new Uri(root, BatchPath);
    }

    public ExportRequest Encode(IReadOnlyList<OutboxSpan> spans, int start, int length, string batchId, bool single)
    {
        OutboxSpan first = spans[start];
        if (single)
        {
            return new ExportRequest(_stream, ContentType,
                JsonSerializer.SerializeToUtf8Bytes(new WireStream { Event = first.Event, SystemInfo = first.System }, ExportJsonContext.Default.WireStream));
        }

        var events = new List<WireEvent>(length);
        for (int i = start; i < start + length; i++)
        {
            events.Add(spans[i].Event);
        }

        return new ExportRequest(_batch, ContentType,
            JsonSerializer.SerializeToUtf8Bytes(new WireBatch { BatchId = batchId, Events = events, SystemInfo = first.System }, ExportJsonContext.Default.WireBatch));
    }

    /// <summary>The endpoint's path as a directory (ending in '/'), so relative paths append to it.</summary>
    internal static Uri Root(Uri endpoint)
    {
        string root = endpoint.GetLeftPart(UriPartial.Path);
        return new Uri(root.EndsWith('/') ? root : root + "/");
    }
}
