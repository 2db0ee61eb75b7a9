using System;

namespace Instrumentor.Collector.Alerts.Config;

/// <summary>An alerts file that cannot be used; <see cref="Exception.Message"/> is the one line shown to the user
/// (<c>FILE:LINE:COLUMN: what is wrong</c> whenever a place in the file is known).</summary>
internal sealed class AlertConfigException : Exception
{
    public AlertConfigException(string message)
        : base(message)
    {
    }

    public AlertConfigException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
