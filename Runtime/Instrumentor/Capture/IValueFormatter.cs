namespace Instrumentor;

/// <summary>
/// Formats captured values of type <typeparamref name="T"/> for storage. Declare a non-abstract class with a
/// public parameterless constructor implementing it in the project: the generator then uses it, at compile
/// time, for every monitored parameter or result of type <typeparamref name="T"/>, ahead of every built-in capture.
/// </summary>
/// <typeparam name="T">The type formatted.</typeparam>
/// <remarks>
/// <see cref="Format"/> runs on the writer thread, after the call returned; it must be thread-safe. If it throws,
/// the value is stored as <c>"&lt;error: message&gt;"</c> (or <c>"&lt;unformattable: Type: ExceptionType&gt;"</c> when
/// that exception's <c>Message</c> throws too); the traced call and the rest of the span are never affected. The text
/// is cut to the site's <c>MaxLength</c> like any string.
/// </remarks>
public interface IValueFormatter<in T>
{
    /// <summary>The text stored for <paramref name="value"/>.</summary>
    /// <param name="value">The captured value.</param>
    /// <returns>The text to store, or <see langword="null"/> to store NULL.</returns>
    string? Format(T value);
}
