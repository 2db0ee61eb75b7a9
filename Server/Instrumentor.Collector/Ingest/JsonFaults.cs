using System.Text.Json;

namespace Instrumentor.Collector.Ingest;

/// <summary>Turns the deserializer's exceptions into sentences for a client (no .NET type names, position 1-based).</summary>
internal static class JsonFaults
{
    public static string Describe(JsonException e)
    {
        string where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
        string message = e.Message;
        int cut = message.IndexOf(" Path: ", System.StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber: ", System.StringComparison.Ordinal);
        }

        if (cut >= 0)
        {
            message = message[..cut];
        }

        if (message.StartsWith("The JSON value could not be converted to ", System.StringComparison.Ordinal))
        {
            return "wrong type: " + TypeName(message["The JSON value could not be converted to ".Length..].TrimEnd('.')) + " expected" + where;
        }

        return "malformed JSON: " + message + where;
    }

    private static string TypeName(string dotnet) => dotnet switch
    {
        "System.String" => "a string",
        "System.Nullable`1[System.Int32]" or "System.Int32" => "an integer",
        "System.Nullable`1[System.Double]" or "System.Double" => "a number",
        _ when dotnet.Contains("List`1", System.StringComparison.Ordinal) => "an array",
        _ => "an object",
    };
}
