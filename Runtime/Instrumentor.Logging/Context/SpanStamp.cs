using System.Diagnostics;
using System.Globalization;

namespace Instrumentor.Logging;

/// <summary>
/// The ids a log line is stamped with: the current Instrumentor span (<see cref="CurrentSpan"/>), else
/// <see cref="Activity.Current"/> (which is also what <see cref="BufferedLogger.TraceScope"/> starts), else none.
/// </summary>
internal readonly record struct SpanStamp(string? TraceId, string? SpanId, string? ParentId)
{
    public static SpanStamp Current()
    {
        if (CurrentSpan.TryGet(out ulong high, out ulong low, out ulong spanId, out ulong parentId))
        {
            return new SpanStamp(
                high.ToString("x16", CultureInfo.InvariantCulture) + low.ToString("x16", CultureInfo.InvariantCulture),
                spanId.ToString("x16", CultureInfo.InvariantCulture),
                parentId == 0 ? null : parentId.ToString("x16", CultureInfo.InvariantCulture));
        }

        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            return new SpanStamp(
                activity.TraceId.ToHexString(),
                activity.SpanId.ToHexString(),
                activity.ParentSpanId == default ? null : activity.ParentSpanId.ToHexString());
        }

        return default;
    }
}
