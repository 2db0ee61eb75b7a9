using System.ComponentModel;

namespace Instrumentor.Runtime;

/// <summary>One shared instance of a user formatter (created once, without reflection, by <c>new()</c>).</summary>
/// <typeparam name="TFormatter">The formatter type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FormatterCache<TFormatter>
    where TFormatter : new()
{
    /// <summary>The shared instance.</summary>
    public static readonly TFormatter Instance = new();
}
