namespace WebApi;

/// <summary>
/// What the endpoints need from the order desk. Registered in DI as this interface, as real services are: the
/// endpoints call it through the interface, and the generator reaches the monitored <see cref="OrderService"/> there.
/// </summary>
public interface IOrderService
{
    /// <summary>Prices <paramref name="quantity"/> items of <paramref name="sku"/>.</summary>
    decimal Quote(string sku, int quantity);

    /// <summary>Reserves the items and returns the order.</summary>
    Task<Order> PlaceAsync(string sku, int quantity, CancellationToken cancellationToken);
}
