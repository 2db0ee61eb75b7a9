namespace WebApi;

/// <summary>Stock levels, as <see cref="OrderService"/> sees them (registered in DI as this interface).</summary>
public interface IInventory
{
    /// <summary>Takes <paramref name="quantity"/> items out of stock, or throws when there are not enough.</summary>
    int Reserve(string sku, int quantity);

    /// <summary>The unit price of an item.</summary>
    decimal UnitPrice(string sku);
}
