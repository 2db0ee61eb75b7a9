using Instrumentor;

// Everything observable goes to stdout; the same program built with and without the generator must print the same.
var shop = new Shop();
Console.WriteLine("total=" + shop.Total(3, 4.5m));
Console.WriteLine("fetched=" + await shop.FetchAsync("abc"));
try
{
    Shop.Check(-1);
}
catch (ArgumentException e)
{
    Console.WriteLine("caught " + e.GetType().Name + ": " + e.Message + " at " + e.TargetSite?.Name);
}

try
{
    await shop.FailAsync();
}
catch (TimeoutException e)
{
    Console.WriteLine("caught async " + e.Message);
}

Console.WriteLine("calls=" + shop.Calls);
bool flushed = await Monitoring.FlushAsync(TimeSpan.FromSeconds(3));
Console.Error.WriteLine("flushed=" + flushed);

public sealed class Shop
{
    public int Calls { get; private set; }

    [Monitor]
    public decimal Total(int quantity, decimal price)
    {
        Calls++;
        return quantity * price + Tax(quantity * price);
    }

    [Monitor]
    public decimal Tax(decimal amount)
    {
        Calls++;
        return Math.Round(amount * 0.2m, 2);
    }

    [Monitor]
    public async Task<string> FetchAsync(string key)
    {
        Calls++;
        await Task.Delay(5);
        return key.ToUpperInvariant();
    }

    [Monitor]
    public static void Check(int quantity)
    {
        if (quantity < 0)
        {
            throw new ArgumentException("negative quantity", nameof(quantity));
        }
    }

    [Monitor]
    public async Task FailAsync()
    {
        Calls++;
        await Task.Yield();
        throw new TimeoutException("too slow");
    }
}
