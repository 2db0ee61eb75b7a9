using System;
using Microsoft.Extensions.Logging;

namespace Instrumentor.Logging.Tests.Infrastructure;

/// <summary>Log calls as applications write them: <c>LoggerMessage</c> source generation.</summary>
internal static partial class TestLog
{
    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "order {OrderId} priced at {Total}")]
    public static partial void OrderPriced(ILogger logger, int orderId, decimal total);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "order {OrderId} failed")]
    public static partial void OrderFailed(ILogger logger, int orderId, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "detail {Step}")]
    public static partial void Detail(ILogger logger, string step);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "line {Thread} {Seq}")]
    public static partial void Line(ILogger logger, int thread, int seq);
}
