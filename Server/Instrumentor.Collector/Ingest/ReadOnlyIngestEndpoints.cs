using System.Threading.Tasks;
using Instrumentor.Collector.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Instrumentor.Collector.Ingest;

/// <summary>The ingest paths of a collector serving an archive: each answers 405 with a problem saying why, so a
/// sender pointed at it by mistake learns it at once (rather than a 404 that looks like a wrong URL).</summary>
internal static class ReadOnlyIngestEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, string location)
    {
        foreach (string path in (string[])["/v1/uploads/stream", "/v1/uploads", "/api/ingest", "/v1/traces", "/v1/logs", "/v1/sessions"])
        {
            endpoints.MapPost(path, context => Refuse(context, location));
        }
    }

    private static Task Refuse(HttpContext context, string location)
    {
        context.Response.Headers.Allow = "GET";
        return Problem.Write(context, StatusCodes.Status405MethodNotAllowed, "read-only",
            "This collector serves an archive", $"{location} is an archive, opened read-only: send spans to a collector on a live store", null);
    }
}
