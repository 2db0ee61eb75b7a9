using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;

namespace Instrumentor.Collector.Tests.Infrastructure;

/// <summary>Checks that a response is an RFC 7807 problem document with the expected status (and JSON path).</summary>
internal static class ProblemAssert
{
    public static async Task<JsonElement> IsProblem(HttpResponseMessage response, int status, string? path = null)
    {
        string body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json", body);
        JsonElement problem = JsonDocument.Parse(body).RootElement.Clone();
        problem.GetProperty("type").GetString().ShouldStartWith("https://");
        problem.GetProperty("title").GetString().ShouldNotBeNullOrEmpty();
        problem.GetProperty("status").GetInt32().ShouldBe(status);
        problem.GetProperty("detail").GetString().ShouldNotBeNullOrEmpty();
        if (path is not null)
        {
            problem.GetProperty("path").GetString().ShouldBe(path, body);
        }

        return problem;
    }
}
