using System;
using System.Threading.Tasks;
using Instrumentor;

namespace Quickstart;

/// <summary>A small service whose methods are traced: sync, async, nested, and one that throws.</summary>
public sealed class PricingService
{
    /// <summary>A nested sync call: its span is a child of <see cref="PriceOrder"/>.</summary>
    [Monitor(ProcessGroup = "pricing")]
    public decimal ComputeTax(decimal amount, string country) => country == "FR" ? amount * 0.20m : amount * 0.10m;

    /// <summary>Sync, calls another monitored method.</summary>
    [Monitor(ProcessGroup = "pricing")]
    public decimal PriceOrder(int quantity, decimal unitPrice, string country)
    {
        decimal net = quantity * unitPrice;
        return net + ComputeTax(net, country);
    }

    /// <summary>Async: the span ends when the task completes; nested calls after the await keep their parent.</summary>
    [Monitor(ProcessGroup = "quotes")]
    public async Task<decimal> FetchQuoteAsync(string symbol, int delayMs)
    {
        await Task.Delay(delayMs);
        return PriceOrder(1, symbol.Length * 10m, "US");
    }

    /// <summary>Throws for a bad input: the ERR span carries the exception, then it reaches the caller unchanged.</summary>
    [Monitor(ProcessGroup = "pricing")]
    public static void Validate(int quantity)
    {
        if (quantity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(quantity), quantity, "quantity must be positive");
        }
    }

    /// <summary>A secret is never stored: the parameter name matches the default mask list.</summary>
    [Monitor(ProcessGroup = "auth")]
    public static bool Login(string user, string password) => user.Length > 0 && password.Length > 8;
}
