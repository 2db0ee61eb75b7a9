using Microsoft.Extensions.Logging;

namespace WebApi;

/// <summary>
/// The sample's log lines, generated at compile time by <c>LoggerMessage</c> (no boxing of arguments, no template
/// parsing at run time). Logged inside a monitored call, each line carries that span's trace and span ids.
/// </summary>
internal static partial class OrderLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "quoting {Quantity} x {Sku}")]
    public static partial void Quoting(ILogger logger, string sku, int quantity);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "placing order for {Quantity} x {Sku}")]
    public static partial void Placing(ILogger logger, string sku, int quantity);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "order placed: {Quantity} x {Sku}, {Remaining} left")]
    public static partial void Placed(ILogger logger, string sku, int quantity, int remaining);
}
