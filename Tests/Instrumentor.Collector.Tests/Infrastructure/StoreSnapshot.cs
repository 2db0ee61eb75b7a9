namespace Instrumentor.Collector.Tests.Infrastructure;

/// <summary>What a store holds, compared before and after a refused request: rows and a digest of their content.</summary>
internal readonly record struct StoreSnapshot(string Digest)
{
    public static StoreSnapshot Of(RunningCollector collector) => new(collector.Text("""
        SELECT (SELECT count(*) FROM span) || '/' || (SELECT coalesce(sum(span_id + ts + status + coalesce(length(data), 0)), 0) FROM span)
            || '/' || (SELECT count(*) FROM log) || '/' || (SELECT count(*) FROM collector_batch);
        """));
}
