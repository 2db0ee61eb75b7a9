using System;
using System.Threading.Tasks;
using Instrumentor.Collector.Problems;
using Microsoft.AspNetCore.Http;

namespace Instrumentor.Collector.Hosting;

/// <summary>
/// The last line: a request that fails below answers with a problem document. A store that cannot serve now (locked by
/// another process, disk full) is 503 with Retry-After; a malformed request Kestrel rejects keeps its own status.
/// Anything else is our bug and stays a 500, so it is seen.
/// </summary>
internal sealed class FaultMiddleware
{
    private readonly RequestDelegate _next;

    public FaultMiddleware(RequestDelegate next) => _next = next;

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            if (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await Problem.Write(context, e.StatusCode, "body-too-large", "The body is too large", e.Message, null).ConfigureAwait(false);
            }
            else
            {
                await Problem.Write(context, e.StatusCode, "bad-request", "The request is not valid", e.Message, null).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody to answer.
        }
        catch (Exception e) when (Problem.IsStoreUnavailable(e))
        {
            await Problem.Busy(context, "the store cannot answer right now: " + e.Message, 2).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"instrumentor: {context.Request.Method} {context.Request.Path} failed: {e}");
            await Problem.Write(context, StatusCodes.Status500InternalServerError, "internal", "The collector failed",
                "an unexpected error; it was logged by the collector", null).ConfigureAwait(false);
        }
    }
}
