namespace Instrumentor.Collector.Dashboard;

/// <summary>One file of the built dashboard, held in memory as sent: plain and gzip-compressed, with its ETag.</summary>
internal sealed record DashboardAsset(string Name, string ContentType, byte[] Content, byte[] Gzipped, string ETag);
