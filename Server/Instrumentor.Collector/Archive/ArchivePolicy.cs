using System;

namespace Instrumentor.Collector.Archive;

/// <summary><c>serve --archive-dir DIR --archive-every 24h --archive-keep N</c> (keep null: every archive stays).</summary>
internal sealed record ArchivePolicy(string Directory, TimeSpan Every, int? Keep);
