namespace Instrumentor.Collector.Tests.Infrastructure;

/// <summary>What a store holds, compared before and after a refused request: rows and a digest of their content.</summary>
internal readonly record struct StoreSnapshot(string Digest)
{
    public static StoreSnapshot Of(RunningCollector collector) => new(collector.Text("""
        SELECT (SELECT count(*) FROM span) || '/' || (SELECT coalesce(sum(id), 0) + total(length(span_id || ts || status || coalesce(data, ''))) FROM span)
            || '/' || (SELECT count(*) FROM log) || '/' || (SELECT count(*) FROM ingest_batch) || '/' || (SELECT count(*) FROM instance);
        """));
}
