using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace Instrumentor.Collector.Dashboard;

/// <summary>
/// The dashboard's files, embedded in this assembly by <c>Dashboard.targets</c> as resources named
/// <c>dashboard/&lt;file&gt;</c>. Read once; a build without the dashboard (<c>-p:BuildDashboard=false</c>) has none.
/// </summary>
internal sealed class DashboardAssets
{
    private const string ResourcePrefix = "dashboard/";

    private readonly Dictionary<string, DashboardAsset> _assets;

    private DashboardAssets(Dictionary<string, DashboardAsset> assets) => _assets = assets;

    /// <summary>True when the assembly carries a built dashboard.</summary>
    public bool IsBuilt => _assets.ContainsKey("index.html");

    /// <summary>The embedded dashboard of the collector assembly.</summary>
    public static DashboardAssets Embedded { get; } = Load(typeof(DashboardAssets).Assembly);

    /// <summary>Reads every <c>dashboard/</c> resource of an assembly.</summary>
    public static DashboardAssets Load(Assembly assembly)
    {
        var assets = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var name = resource[ResourcePrefix.Length..];
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12)) + "\"";
            assets[name] = new DashboardAsset(name, ContentTypeOf(name), content, Gzip(content), etag);
        }
        return new DashboardAssets(assets);
    }

    /// <summary>The file of that name (<c>index.html</c>, <c>app.js</c>, …), or null.</summary>
    public DashboardAsset? Find(string name) => _assets.GetValueOrDefault(name);

    private static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(content);
        }
        return buffer.ToArray();
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".txt" => "text/plain; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
