using System.Collections.Generic;
using System.Linq;
using Instrumentor.IntegrationTests.Infrastructure;

namespace Instrumentor.IntegrationTests.Activities;

/// <summary>One row of <c>process_trace</c> with its inputs, as the bridge tests compare it with an activity.</summary>
internal sealed record StoredSpan(string SpanId, string TraceId, string? ParentSpanId, string Process, string Status,
    IReadOnlyDictionary<string, string?> Inputs);

/// <summary>Reads the spans of a trace database.</summary>
internal static class StoredSpans
{
    public static List<StoredSpan> Read(string path)
    {
        ILookup<string, string?[]> inputs = TraceDatabase
            .Query(path, "SELECT span_id, data, data_value FROM data_trace WHERE data_type = 'INPUT'")
            .ToLookup(row => row[0]!);
        return TraceDatabase.Query(path, "SELECT span_id, trace_id, parent_span_id, process, status FROM process_trace")
            .Select(row => new StoredSpan(row[0]!, row[1]!, row[2], row[3]!, row[4]!,
                inputs[row[0]!].ToDictionary(input => input[1]!, input => input[2])))
            .ToList();
    }
}
