using Instrumentor.Logging;
using WebApi;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);

// Options from appsettings.json's "Instrumentor" section, validated at start; the host's shutdown flushes the traces.
builder.Services.AddInstrumentor(builder.Configuration);
// Logs through Instrumentor.Logging ("Logging:Instrumentor" in appsettings.json): each line stamped with the current
// span's ids, written into the traces' store (view `logs`), and to the collector when Logging__Instrumentor__Endpoint is set.
builder.Logging.AddInstrumentor(o => o.StorePath ??= builder.Configuration["Instrumentor:DatabasePath"]);
// Services registered as their interfaces, and called through them: the monitored implementations are traced.
builder.Services.AddSingleton<IInventory, Inventory>();
builder.Services.AddSingleton<IOrderService, OrderService>();

WebApplication app = builder.Build();

app.MapGet("/", () => "Instrumentor WebApi sample: GET /quote/{sku}?quantity=N, POST /orders/{sku}?quantity=N");

app.MapGet("/quote/{sku}", (string sku, int quantity, IOrderService orders) => orders.Quote(sku, quantity));

app.MapPost("/orders/{sku}", async (string sku, int quantity, IOrderService orders, CancellationToken cancellationToken) =>
{
    try
    {
        return Results.Ok(await orders.PlaceAsync(sku, quantity, cancellationToken));
    }
    catch (InvalidOperationException ex)
    {
        // The exception was recorded (ERR span) on its way here, unchanged.
        return Results.Conflict(new { error = ex.Message });
    }
});

app.Run();
