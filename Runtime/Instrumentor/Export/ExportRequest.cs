using System;

namespace Instrumentor.Export;

/// <summary>One encoded request: where it goes, its media type and its body (before gzip).</summary>
internal sealed record ExportRequest(Uri Uri, string ContentType, byte[] Body);
