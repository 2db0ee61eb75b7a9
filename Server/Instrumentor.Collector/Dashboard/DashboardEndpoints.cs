using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Instrumentor.Collector.Dashboard;

/// <summary>
/// Serves the embedded dashboard: <c>GET /</c> is the page, <c>GET /assets/{file}</c> its script and styles.
/// The page holds no data: it reads the query API, which the read key protects, so the files need no key.
/// </summary>
internal static class DashboardEndpoints
{
    // Scripts and styles come from this server only, and no inline script can run: even if a stored value
    // reached the page as markup, the browser would refuse to execute it.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Maps <c>/</c> and <c>/assets/{file}</c>.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints, DashboardAssets assets)
    {
        string[] methods = ["GET", "HEAD"];
        endpoints.MapMethods("/", methods, (HttpContext context) => Send(context, assets, "index.html"));
        endpoints.MapMethods("/assets/{file}", methods, (HttpContext context, string file) => Send(context, assets, file));
        return endpoints;
    }

    private static Task Send(HttpContext context, DashboardAssets assets, string name)
    {
        var response = context.Response;
        var asset = assets.Find(name);
        if (asset is null)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            response.ContentType = "text/plain; charset=utf-8";
            return response.WriteAsync(assets.IsBuilt
                ? "Not found."
                : "This collector was built without its dashboard (BuildDashboard=false); the query API is at /api.");
        }

        var headers = response.Headers;
        headers.ETag = asset.ETag;
        // Names are not content-hashed: the browser revalidates every time and gets 304 while unchanged.
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.Vary = "Accept-Encoding";
        if (context.Request.Headers.IfNoneMatch.ToString().Contains(asset.ETag, StringComparison.Ordinal))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = asset.ContentType;
        var body = asset.Content;
        if (context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentEncoding = "gzip";
            body = asset.Gzipped;
        }
        response.ContentLength = body.Length;
        if (HttpMethods.IsHead(context.Request.Method)) return Task.CompletedTask;
        return response.Body.WriteAsync(body).AsTask();
    }
}
