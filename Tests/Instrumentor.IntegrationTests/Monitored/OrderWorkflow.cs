using System;
using System.Threading.Tasks;
using Instrumentor;

namespace Instrumentor.IntegrationTests.Monitored;

/// <summary>Monitored code compiled into the test assembly: its calls are intercepted by the real generator.</summary>
public sealed class OrderWorkflow
{
    [Monitor(ProcessGroup = "orders")]
    public async Task<decimal> PlaceAsync(int orderId, int quantity)
    {
        Validate(quantity);
        decimal price = await PriceAsync(orderId);
        return Reserve(orderId, quantity) ? price * quantity : 0m;
    }

    [Monitor(ProcessGroup = "orders")]
    public static void Validate(int quantity)
    {
        if (quantity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(quantity), quantity, "quantity must be positive");
        }
    }

    [Monitor]
    public async Task<decimal> PriceAsync(int orderId)
    {
        await Task.Delay(2);
        return 10m + (orderId % 7);
    }

    [Monitor]
    public bool Reserve(int orderId, int quantity) => (orderId + quantity) % 13 != 0;
}
