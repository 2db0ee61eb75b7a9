using Microsoft.Extensions.Logging;

namespace AotConsole;

/// <summary>Log lines generated at compile time by <c>LoggerMessage</c>: no reflection, so they work in NativeAOT.</summary>
internal static partial class DeskLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "placing {Quantity} x {Sku}")]
    public static partial void Placing(ILogger logger, string sku, int quantity);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "out of stock: {Sku}")]
    public static partial void OutOfStock(ILogger logger, string sku);
}
