namespace Instrumentor.Generator.Specs;

/// <summary>How the generated wrapper captures one value, chosen from its static type at compile time.</summary>
/// <param name="Kind">The capture strategy.</param>
/// <param name="Factory">For <see cref="CaptureKind.Factory"/>: the <c>CapturedValue</c> factory (e.g. <c>FromInt64</c>).</param>
/// <param name="Text">For text/count/length captures: the constant text (type display name).</param>
/// <param name="Cast">A cast applied to the value before the factory (e.g. <c>(long)</c> for an enum), or empty.</param>
internal sealed record CaptureSpec(CaptureKind Kind, string Factory, string Text, string Cast)
{
    /// <summary>For <see cref="CaptureKind.Summary"/>: the properties the generated helper reads.</summary>
    public SummarySpec? Summary { get; init; }

    /// <summary>For Repr and Json: the value is a struct, so the helper makes no null test.</summary>
    public bool IsValueType { get; init; }

    public static readonly CaptureSpec Skip = new(CaptureKind.Skip, "", "", "");

    public static readonly CaptureSpec Masked = new(CaptureKind.Masked, "", "", "");

    public static CaptureSpec ByFactory(string factory, string cast = "") => new(CaptureKind.Factory, factory, "", cast);

    public static CaptureSpec ByFactoryUnlessNull(CaptureSpec inner) => new(CaptureKind.NullableFactory, inner.Factory, "", inner.Cast);

    public static CaptureSpec AsText(string text, bool nullable) => new(nullable ? CaptureKind.TextUnlessNull : CaptureKind.Text, "", text, "");

    public static CaptureSpec AsCount(string display) => new(CaptureKind.Count, "", display, "");

    public static CaptureSpec AsLength(string display) => new(CaptureKind.Length, "", display, "");

    public static CaptureSpec AsSummary(SummarySpec summary) => new(CaptureKind.Summary, "", summary.Type, "") { Summary = summary };

    /// <summary>The value's own ToString(), called at call time by a generated helper (Text: the parameter type).</summary>
    public static CaptureSpec AsRepr(string type, bool isValueType) => new(CaptureKind.Repr, "", type, "") { IsValueType = isValueType };

    /// <summary>System.Text.Json with the user's context (Factory: the context type; Text: the value type).</summary>
    public static CaptureSpec AsJson(string type, string context, bool isValueType) => new(CaptureKind.Json, context, type, "") { IsValueType = isValueType };
}

/// <summary>The capture strategies of <see cref="CaptureSpec"/>.</summary>
internal enum CaptureKind
{
    /// <summary>Not recorded ([NotCaptured], out parameters, CaptureArgs = false).</summary>
    Skip,
    /// <summary>Stored as <c>***</c>.</summary>
    Masked,
    /// <summary>Stored by value through a <c>CapturedValue.FromX</c> factory.</summary>
    Factory,
    /// <summary>A Nullable&lt;T&gt;: null, or the value through a factory.</summary>
    NullableFactory,
    /// <summary>Stored as constant text (a value type without a by-value capture).</summary>
    Text,
    /// <summary>Stored as constant text, or null for a null reference.</summary>
    TextUnlessNull,
    /// <summary>A collection stored as display name + count.</summary>
    Count,
    /// <summary>An array stored as display name + length.</summary>
    Length,
    /// <summary>A dictionary stored as its first keys and how many more: <c>{a, b, c, +8 more}</c>.</summary>
    Keys,
    /// <summary>A user <c>IValueFormatter&lt;T&gt;</c> (its type in Factory), applied on the writer thread.</summary>
    Formatter,
    /// <summary>A shallow object summary built by a generated helper at call time (<see cref="CaptureSpec.Summary"/>).</summary>
    Summary,
    /// <summary>The value's overridden ToString(), through a generated helper at call time.</summary>
    Repr,
    /// <summary>System.Text.Json through the user's JsonSerializerContext, by a generated helper at call time.</summary>
    Json,
}
