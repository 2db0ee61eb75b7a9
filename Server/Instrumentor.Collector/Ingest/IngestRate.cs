using System;
using System.Diagnostics;

namespace Instrumentor.Collector.Ingest;

/// <summary>Spans committed per second, averaged over the last <see cref="WindowSeconds"/> whole seconds.</summary>
internal sealed class IngestRate
{
    private const int WindowSeconds = 10;
    private readonly object _gate = new();
    private readonly long[] _counts = new long[WindowSeconds + 1];
    private readonly long[] _seconds = new long[WindowSeconds + 1];

    public void Add(int spans)
    {
        long second = Now();
        lock (_gate)
        {
            int slot = (int)(second % _counts.Length);
            if (_seconds[slot] != second)
            {
                _seconds[slot] = second;
                _counts[slot] = 0;
            }

            _counts[slot] += spans;
        }
    }

    public double PerSecond()
    {
        long second = Now();
        long total = 0;
        lock (_gate)
        {
            for (int i = 0; i < _counts.Length; i++)
            {
                // The current second is still filling: count only the whole seconds before it.
                if (_seconds[i] < second && _seconds[i] >= second - WindowSeconds)
                {
                    total += _counts[i];
                }
            }
        }

        return Math.Round((double)total / WindowSeconds, 1);
    }

    private static long Now() => Stopwatch.GetTimestamp() / Stopwatch.Frequency;
}
