namespace Instrumentor;

/// <summary>
/// How a monitored method records the arguments and result that are not primitives, strings or enums (those are
/// always stored by value). Chosen at compile time; a user <see cref="IValueFormatter{T}"/> for the type wins over all.
/// </summary>
public enum ValueSerializer
{
    /// <summary>
    /// The default: a shallow summary of the public readable properties, <c>Order { Id = 3, Sku = apple, +3 more }</c>,
    /// generated per type at compile time (no reflection); collections as name and count, dictionaries as their keys.
    /// </summary>
    Smart = 0,

    /// <summary>The value's own <c>ToString()</c> when its type overrides it, else as <see cref="Smart"/>.</summary>
    Repr = 1,

    /// <summary>
    /// System.Text.Json through the source-generated <c>JsonSerializerContext</c> named by <c>JsonContext</c> (never
    /// reflection-based JSON). Without a context it behaves as <see cref="Smart"/> and the analyzers report INSTR011.
    /// </summary>
    Json = 2,

    /// <summary>The type name only, <c>&lt;Order&gt;</c> (collections as name and count).</summary>
    TypeName = 3,
}
