using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Ingest;

/// <summary>Parses W3C ids given as hex text (either case), with a fault naming the path when they are not.</summary>
internal static class Ids
{
    public static bool TryTrace(string? text, string path, out ulong high, out ulong low, out IngestFault? fault)
    {
        fault = null;
        high = low = 0;
        if (text is null)
        {
            fault = new IngestFault(path, "trace_id is required (32 hex digits)");
            return false;
        }

        if (!StoreText.TryParseHex(text, 32, out high, out low) || (high == 0 && low == 0))
        {
            fault = new IngestFault(path, $"'{EventValidator.Shorten(text)}' is not a trace id (32 hex digits, not all zeros)");
            return false;
        }

        return true;
    }

    public static bool TrySpan(string? text, string path, bool required, out ulong id, out IngestFault? fault)
    {
        fault = null;
        id = 0;
        if (text is null)
        {
            if (required)
            {
                fault = new IngestFault(path, "span_id is required (16 hex digits)");
                return false;
            }

            return true;
        }

        if (!StoreText.TryParseHex(text, 16, out _, out id) || (required && id == 0))
        {
            fault = new IngestFault(path, $"'{EventValidator.Shorten(text)}' is not a span id (16 hex digits{(required ? ", not zero" : "")})");
            return false;
        }

        return true;
    }
}
