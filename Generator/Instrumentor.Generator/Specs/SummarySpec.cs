namespace Instrumentor.Generator.Specs;

/// <summary>
/// The shallow summary the generator emits for one captured type (<c>Order { Id = 3, Sku = apple, +3 more }</c>):
/// the properties shown, each with its own capture, and how many are left out. Depth 1 by construction: the
/// properties' captures never hold a summary themselves.
/// </summary>
/// <param name="Type">The fully qualified type, without nullable annotation (the helper's parameter type).</param>
/// <param name="Display">The type name shown before the braces.</param>
/// <param name="IsValueType">Whether a null test is impossible (a struct).</param>
/// <param name="Properties">The properties shown, at most four, base type's first.</param>
/// <param name="More">How many further readable properties are counted as <c>+k more</c>.</param>
internal sealed record SummarySpec(string Type, string Display, bool IsValueType, EquatableArray<SummaryPropertySpec> Properties, int More);

/// <summary>One property of a <see cref="SummarySpec"/>.</summary>
/// <param name="Name">The property name as written in code (escaped with @ when it is a keyword).</param>
/// <param name="Display">The name shown in the summary.</param>
/// <param name="Capture">How its value is read: masked, by value, as count or type name; never a summary.</param>
internal sealed record SummaryPropertySpec(string Name, string Display, CaptureSpec Capture);
