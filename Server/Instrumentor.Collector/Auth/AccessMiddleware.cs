using System.Threading.Tasks;
using Instrumentor.Collector.Problems;
using Microsoft.AspNetCore.Http;

namespace Instrumentor.Collector.Auth;

/// <summary>Applies the <see cref="AccessPolicy"/> before any endpoint runs (a 401 never reads the body).</summary>
internal sealed class AccessMiddleware
{
    private readonly RequestDelegate _next;
    private readonly AccessPolicy _policy;

    public AccessMiddleware(RequestDelegate next, AccessPolicy policy)
    {
        _next = next;
        _policy = policy;
    }

    public Task InvokeAsync(HttpContext context) =>
        _policy.Check(context) is { } reason ? Problem.Unauthorized(context, reason) : _next(context);
}
