using System;
using System.Collections.Generic;
using System.Net;

namespace Instrumentor.Collector.Auth;

/// <summary>Which listen URLs reach beyond this machine (a server without API keys may only bind loopback).</summary>
internal static class LoopbackCheck
{
    /// <summary>The URLs of <paramref name="urls"/> (semicolon-separated) whose host is not a loopback address.</summary>
    public static IReadOnlyList<string> NonLoopback(string urls)
    {
        var exposed = new List<string>();
        foreach (string url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IsLoopback(url))
            {
                exposed.Add(url);
            }
        }

        return exposed;
    }

    private static bool IsLoopback(string url)
    {
        // Kestrel's wildcards ("http://*:80", "http://+:80") do not parse as URIs: take the host between "//" and the port.
        int start = url.IndexOf("//", StringComparison.Ordinal);
        string rest = start < 0 ? url : url[(start + 2)..];
        int slash = rest.IndexOf('/');
        if (slash >= 0)
        {
            rest = rest[..slash];
        }

        string host = rest.StartsWith('[') ? rest[1..Math.Max(1, rest.IndexOf(']'))] : rest.Split(':')[0];
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host, out IPAddress? address) && IPAddress.IsLoopback(address);
    }
}
