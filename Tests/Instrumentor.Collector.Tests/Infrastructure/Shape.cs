using System.Linq;
using System.Text.Json;

namespace Instrumentor.Collector.Tests.Infrastructure;

/// <summary>Asserts the exact JSON field names of an API object (DESIGN.md §7 names are the contract).</summary>
internal static class Shape
{
    public static readonly string[] Span =
        ["trace_id", "span_id", "parent_span_id", "process", "process_group", "start", "duration_ms", "status", "exception", "thread_id", "data", "ts", "service"];

    public static void HasFields(JsonElement element, params string[] names) =>
        element.EnumerateObject().Select(p => p.Name).Order().ShouldBe(names.Order(), $"fields of {element}");
}
