using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Instrumentor;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AotConsole;

/// <summary>The kind of an order; enums are captured by value.</summary>
public enum OrderKind
{
    /// <summary>Delivered to the customer.</summary>
    Delivery = 1,

    /// <summary>Collected by the customer.</summary>
    Pickup = 2,
}

/// <summary>Monitored methods of several shapes; every argument below is captured by a serializer chosen at compile time.</summary>
public sealed class OrderDesk(ILogger? logger = null)
{
    private readonly Dictionary<string, int> _stock = new(StringComparer.Ordinal) { ["apple"] = 10, ["pear"] = 4 };
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Sync instance method: string, int and enum arguments, bool result.</summary>
    [Monitor(ProcessGroup = "orders")]
    public bool Reserve(string sku, int quantity, OrderKind kind)
    {
        if (!_stock.TryGetValue(sku, out int available) || available < quantity)
        {
            return false;
        }

        _stock[sku] = available - quantity;
        return kind == OrderKind.Delivery || quantity > 0;
    }

    /// <summary>Async method with a nested monitored call; decimal, DateTime and Guid arguments.</summary>
    [Monitor(ProcessGroup = "orders")]
    public async Task<decimal> PlaceAsync(Guid orderId, string sku, int quantity, decimal unitPrice, DateTime placedAt)
    {
        DeskLog.Placing(_logger, sku, quantity);
        await Task.Yield();
        if (!Reserve(sku, quantity, OrderKind.Delivery))
        {
            DeskLog.OutOfStock(_logger, sku);
            throw new InvalidOperationException($"out of stock: {sku}");
        }

        return Invoice.Total(quantity, unitPrice, placedAt.DayOfWeek == DayOfWeek.Sunday ? 0.1m : 0m);
    }

    /// <summary>A collection argument is stored as its type and count, never enumerated.</summary>
    [Monitor(ProcessGroup = "orders")]
    public static int CountLines(List<string> lines) => lines.Count;

    /// <summary>The password is stored as "***".</summary>
    [Monitor(ProcessGroup = "auth")]
    public static bool SignIn(string user, string password) => user.Length > 0 && password.Length >= 8;
}

/// <summary>A static class with a monitored method.</summary>
public static class Invoice
{
    /// <summary>Nested inside <see cref="OrderDesk.PlaceAsync"/>: its span is a child of the order's span.</summary>
    [Monitor(ProcessGroup = "billing")]
    public static decimal Total(int quantity, decimal unitPrice, decimal discount) => quantity * unitPrice * (1 - discount);
}
