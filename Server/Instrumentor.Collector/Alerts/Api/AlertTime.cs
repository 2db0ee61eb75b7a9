using System;
using System.Globalization;

namespace Instrumentor.Collector.Alerts.Api;

/// <summary>Times in alert JSON: ISO 8601, UTC, milliseconds (<c>2026-12-01T17:52:25.123Z</c>).</summary>
internal static class AlertTime
{
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
