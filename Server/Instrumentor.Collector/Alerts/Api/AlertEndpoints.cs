using System.Threading.Tasks;
using Instrumentor.Collector.Alerts.Evaluation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Instrumentor.Collector.Alerts.Api;

/// <summary><c>GET /api/alerts</c>: each rule's state, last value, last evaluation and history (docs/alerts.md).</summary>
internal sealed class AlertEndpoints
{
    private static readonly AlertsAnswer NoAlerts = new([], null, null, null);

    private readonly AlertEngine? _engine;

    /// <param name="engine">Null when <c>serve</c> runs without <c>--alerts</c>: the list is then empty.</param>
    public AlertEndpoints(AlertEngine? engine) => _engine = engine;

    public void Map(IEndpointRouteBuilder endpoints) => endpoints.MapGet("/api/alerts", Alerts);

    private Task Alerts(HttpContext context) =>
        context.Response.WriteAsJsonAsync(_engine?.Snapshot() ?? NoAlerts, AlertJsonContext.Default.AlertsAnswer,
            contentType: "application/json", context.RequestAborted);
}
