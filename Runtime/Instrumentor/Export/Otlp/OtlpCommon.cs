namespace Instrumentor.Export.Otlp;

/// <summary>
/// The messages of OTLP's <c>common.proto</c> that the trace encoder and the log encoder (Instrumentor.Logging) both
/// write: <c>KeyValue</c>, <c>AnyValue</c> and <c>ArrayValue</c> field numbers, and a string or integer attribute.
/// </summary>
internal static class OtlpCommon
{
    internal const int KeyValueKey = 1;     // KeyValue.key
    internal const int KeyValueValue = 2;   // KeyValue.value (AnyValue)
    internal const int AnyString = 1;       // AnyValue.string_value
    internal const int AnyBool = 2;         // AnyValue.bool_value
    internal const int AnyInt = 3;          // AnyValue.int_value
    internal const int AnyDouble = 4;       // AnyValue.double_value
    internal const int AnyArray = 5;        // AnyValue.array_value
    internal const int ArrayValues = 1;     // ArrayValue.values

    /// <summary>Writes the attribute <paramref name="key"/> = <paramref name="value"/> as field <paramref name="field"/>; nothing for a null or empty value.</summary>
    internal static void StringAttribute(ProtoWriter w, int field, string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        w.BeginMessage(field);
        w.String(KeyValueKey, key);
        w.BeginMessage(KeyValueValue);
        w.String(AnyString, value);
        w.EndMessage();
        w.EndMessage();
    }

    /// <summary>Writes the integer attribute <paramref name="key"/> = <paramref name="value"/> as field <paramref name="field"/>.</summary>
    internal static void IntAttribute(ProtoWriter w, int field, string key, long value)
    {
        w.BeginMessage(field);
        w.String(KeyValueKey, key);
        w.BeginMessage(KeyValueValue);
        w.Int(AnyInt, value);
        w.EndMessage();
        w.EndMessage();
    }
}
