using Instrumentor;
using Microsoft.Extensions.Logging;

namespace WebApi;

/// <summary>An order that was placed.</summary>
public sealed record Order(Guid Id, string Sku, int Quantity, decimal Total, int Remaining);

/// <summary>
/// The endpoints' service: a sync and an async monitored method, each calling into <see cref="IInventory"/>. Both are
/// called through <see cref="IOrderService"/>: the [Monitor] on the implementation is what counts.
/// </summary>
public sealed class OrderService(IInventory inventory, ILogger<OrderService> logger) : IOrderService
{
    /// <summary>Sync: prices an order (nested span: <see cref="Inventory.UnitPrice"/>, called through <see cref="IInventory"/>).</summary>
    [Monitor(ProcessGroup = "orders")]
    public decimal Quote(string sku, int quantity)
    {
        OrderLog.Quoting(logger, sku, quantity);
        return quantity * inventory.UnitPrice(sku);
    }

    /// <summary>Async: the span ends when the task completes; the nested spans keep it as parent across the await.</summary>
    [Monitor(ProcessGroup = "orders")]
    public async Task<Order> PlaceAsync(string sku, int quantity, CancellationToken cancellationToken)
    {
        OrderLog.Placing(logger, sku, quantity);
        await Task.Delay(5, cancellationToken);
        int remaining = inventory.Reserve(sku, quantity);
        OrderLog.Placed(logger, sku, quantity, remaining);
        return new Order(Guid.NewGuid(), sku, quantity, Quote(sku, quantity), remaining);
    }
}
