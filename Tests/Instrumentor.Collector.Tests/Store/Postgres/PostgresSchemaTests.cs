using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Instrumentor.Collector.Store.Postgres;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>
/// The span table's indexes of schema version 3 (three B-trees a day partition: the key (trace_id, span_id, ts), time,
/// site and time; a hash index of span ids and the block range index of row ids), on a new database and on one written by version 2.
/// </summary>
public class PostgresSchemaTests
{
    private const string SpanIndexes = """
        SELECT indexname || ' ' || regexp_replace(indexdef, '^.* USING ', '') FROM pg_indexes WHERE tablename = 'span' ORDER BY indexname;
        """;

    private static readonly string[] s_expected =
    [
        "span_pkey btree (trace_id, span_id, ts)",
        "span_row brin (id)",
        "span_site_ts btree (site_id, ts, id)",
        "span_span hash (span_id)",
        "span_ts btree (ts, id)",
    ];

    [Test]
    public async Task A_new_database_has_the_span_key_leading_with_the_trace_and_a_hash_index_of_span_ids()
    {
        string connection = PostgresServer.NewDatabase("schema_new");
        await using (RunningCollector collector = await RunningCollector.StartAsync(o => o with { Postgres = connection }))
        {
        }

        var database = new PostgresDatabase(connection);
        database.Column(SpanIndexes).ShouldBe(s_expected);
        database.Scalar("SELECT version FROM instrumentor_schema;").ShouldBe(PostgresSchema.CurrentVersion);
    }

    [Test]
    public async Task A_database_of_version_2_gets_the_new_key_and_keeps_its_spans_stored_once()
    {
        string connection = PostgresServer.NewDatabase("schema_v2");
        var database = new PostgresDatabase(connection);
        string body = Events.Batch(Enumerable.Range(0, 200).Select(_ => Events.Event()));
        await using (RunningCollector collector = await RunningCollector.StartAsync(o => o with { Postgres = connection }))
        {
            using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", body);
            ((int)response.StatusCode).ShouldBe(200);
        }

        // The layout version 2 wrote.
        database.Execute("""
            ALTER TABLE span DROP CONSTRAINT span_pkey;
            ALTER TABLE span ADD CONSTRAINT span_pkey PRIMARY KEY (span_id, trace_id, ts);
            DROP INDEX span_span;
            CREATE INDEX span_trace ON span (trace_id);
            UPDATE instrumentor_schema SET version = 2;
            """);

        await using (RunningCollector collector = await RunningCollector.StartAsync(o => o with { Postgres = connection }))
        {
            database.Column(SpanIndexes).ShouldBe(s_expected);
            database.Scalar("SELECT version FROM instrumentor_schema;").ShouldBe(3);
            // The same spans again (a new batch id): the new key still refuses them.
            using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", body);
            (await response.Content.ReadAsStringAsync()).ShouldContain("\"duplicates\":200");
        }

        database.Scalar("SELECT count(*) FROM span;").ShouldBe(200);
        database.Column("SELECT c.relname FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname LIKE 'span_2%' ORDER BY 1;")
            .ShouldNotContain(name => name.EndsWith("_trace_id_idx", System.StringComparison.Ordinal), "the old trace index is gone from the partitions too");
    }
}
