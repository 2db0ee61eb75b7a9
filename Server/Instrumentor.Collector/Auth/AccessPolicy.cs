using System;
using Microsoft.AspNetCore.Http;

namespace Instrumentor.Collector.Auth;

/// <summary>
/// Who may call what. Ingest (<c>/v1/…</c>, <c>/api/ingest</c>) needs one of the API keys when any is configured.
/// The query API (<c>/api/…</c>) needs the read key when one is set (the dashboard's page and assets do not); without a read key,
/// an API key opens it too when keys are configured (a server reachable from the network is never open by default),
/// and without any key it is open (the server then binds loopback only). <c>/healthz</c> is always open.
/// </summary>
internal sealed class AccessPolicy
{
    private readonly KeySet _ingestKeys;
    private readonly KeySet _readKeys;

    public AccessPolicy(KeySet ingestKeys, string? readKey)
    {
        _ingestKeys = ingestKeys;
        _readKeys = readKey is { Length: > 0 } ? new KeySet([readKey]) : ingestKeys;
    }

    /// <summary>Null when the request may go on, else why not (for the 401 problem).</summary>
    public string? Check(HttpContext context)
    {
        PathString path = context.Request.Path;
        // The dashboard's page and assets hold no data (it reads the query API, which needs the key), and a
        // browser cannot send a header when it opens a URL: they are open, so the page can ask for the key.
        if (path.StartsWithSegments("/healthz") || path == "/" || path.StartsWithSegments("/assets"))
        {
            return null;
        }

        bool ingest = path.StartsWithSegments("/v1") || path.StartsWithSegments("/api/ingest");
        KeySet keys = ingest ? _ingestKeys : _readKeys;
        if (keys.IsEmpty)
        {
            return null;
        }

        string? header = context.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return "send Authorization: Bearer <key> (" + (ingest ? "an API key given to serve --api-key" : "the key given to serve --read-key") + ")";
        }

        ReadOnlySpan<char> value = header.AsSpan().Trim();
        if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return "the Authorization header must be 'Bearer <key>'";
        }

        return keys.Contains(value[7..].Trim()) ? null : "the key is not one this server accepts";
    }
}
