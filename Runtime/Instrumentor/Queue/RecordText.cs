using System;

namespace Instrumentor;

/// <summary>
/// Text of user-controlled objects, made on the writer or spooler thread without ever throwing: an exception's
/// <c>ToString</c>, <c>Message</c> or <c>StackTrace</c> is the traced program's code, and one that throws must cost
/// only its own text (replaced by <c>&lt;unformattable: TypeName: reason&gt;</c>), never the record nor the batch.
/// </summary>
internal static class RecordText
{
    /// <summary>Longest text kept from one exception (with its stack), so one pathological exception cannot bloat the store.</summary>
    internal const int MaxExceptionLength = 32_768;

    /// <summary>The stored text of <paramref name="exception"/>: its <c>ToString()</c>, or a placeholder; never throws.</summary>
    internal static string? Exception(Exception? exception)
    {
        if (exception is null)
        {
            return null;
        }

        string? text;
        try
        {
            text = exception.ToString();
        }
        catch (Exception reason)
        {
            return Unformattable(exception, reason) + Pieces(exception);
        }

        // An override may return null, or a string so long that keeping it whole would cost the store more than it tells.
        if (text is null)
        {
            return "<unformattable: " + TypeName(exception) + ": ToString() returned null>";
        }

        return text.Length <= MaxExceptionLength ? text : string.Concat(text.AsSpan(0, MaxExceptionLength), "…");
    }

    /// <summary>The placeholder stored for a value of <paramref name="value"/>'s type whose formatting threw <paramref name="reason"/>.</summary>
    internal static string Unformattable(object? value, Exception reason) => Unformattable(TypeName(value), reason);

    /// <summary>The placeholder <c>&lt;unformattable: TypeName: reason&gt;</c>; never throws.</summary>
    internal static string Unformattable(string typeName, Exception reason) => "<unformattable: " + typeName + ": " + Describe(reason) + ">";

    /// <summary><c>"Type: message"</c> of <paramref name="exception"/>, the message only if reading it does not throw.</summary>
    internal static string Describe(Exception exception)
    {
        string type = TypeName(exception);
        try
        {
            string? message = exception.Message;
            return string.IsNullOrEmpty(message) ? type : type + ": " + Truncate(message, 1000);
        }
        catch (Exception)
        {
            return type;
        }
    }

    /// <summary>The full name of <paramref name="value"/>'s type (<c>null</c> for a null reference); never throws.</summary>
    internal static string TypeName(object? value)
    {
        if (value is null)
        {
            return "null";
        }

        try
        {
            Type type = value.GetType();
            return type.FullName ?? type.Name;
        }
        catch (Exception)
        {
            return "?";
        }
    }

    /// <summary>What can still be read of an exception whose <c>ToString()</c> threw: message and stack, each guarded.</summary>
    private static string Pieces(Exception exception)
    {
        string message;
        try
        {
            message = Truncate(exception.Message ?? "", 1000);
        }
        catch (Exception reason)
        {
            message = "<unformattable: message: " + TypeName(reason) + ">";
        }

        string? stack;
        try
        {
            stack = exception.StackTrace;
        }
        catch (Exception reason)
        {
            stack = "<unformattable: stack trace: " + TypeName(reason) + ">";
        }

        string text = " " + message + (string.IsNullOrEmpty(stack) ? "" : Environment.NewLine + stack);
        return Truncate(text, MaxExceptionLength);
    }

    private static string Truncate(string text, int maxLength) =>
        text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, maxLength), "…");
}
