using System;

namespace Instrumentor.Logging;

/// <summary>Lines could not be delivered to the collector by <see cref="LogShipper"/> or <see cref="BufferedLogger.FlushAsync"/>.</summary>
public sealed class LogShipmentException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LogShipmentException(string message, bool rejected)
        : base(message) => Rejected = rejected;

    /// <summary>True when the collector refused the batch as bad (sending it again will not help); false when it was unreachable.</summary>
    public bool Rejected { get; }
}
