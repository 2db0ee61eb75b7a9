using System.Collections.Concurrent;
using Instrumentor;

namespace WebApi;

/// <summary>
/// Stock levels. Every method is traced (class-level <c>[Monitor]</c>), including when called through
/// <see cref="IInventory"/>; a failed reservation is an ERR span.
/// </summary>
[Monitor(ProcessGroup = "inventory")]
public sealed class Inventory : IInventory
{
    private readonly ConcurrentDictionary<string, int> _stock = new(StringComparer.OrdinalIgnoreCase)
    {
        ["apple"] = 100,
        ["pear"] = 5,
    };

    /// <inheritdoc />
    public int Reserve(string sku, int quantity)
    {
        while (true)
        {
            int available = _stock.GetValueOrDefault(sku);
            if (available < quantity)
            {
                throw new InvalidOperationException($"only {available} '{sku}' left, {quantity} requested");
            }

            if (_stock.TryUpdate(sku, available - quantity, available))
            {
                return available - quantity;
            }
        }
    }

    /// <inheritdoc />
    public decimal UnitPrice(string sku) => sku.Equals("pear", StringComparison.OrdinalIgnoreCase) ? 2.00m : 1.25m;
}
