using System;
using System.IO;
using Instrumentor.Collector.Store.Postgres;
using Instrumentor.Collector.Store.Sqlite.Rollup;
using Npgsql;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>
/// The binary arrays of <c>stats_minute</c>, as a real server's <c>array_send</c> gives them: read into a histogram,
/// and anything that is not a one-dimensional array of the expected type refused with a clear error.
/// </summary>
public class PostgresArrayWireTests
{
    [Test]
    public void The_server_s_binary_arrays_read_back_as_the_same_bucket_counts()
    {
        (byte[] buckets, byte[] counts) = Send("SELECT array_send('{3,7,769}'::smallint[]), array_send('{5,1,9000000000}'::bigint[]);");
        var histogram = new LogHistogram();

        PostgresArrayWire.AddTo(histogram, buckets, counts);

        var expected = new LogHistogram();
        expected.Add(3, 5);
        expected.Add(7, 1);
        expected.Add(769, 9_000_000_000);
        Convert.ToHexString(histogram.Encode()).ShouldBe(Convert.ToHexString(expected.Encode()));
    }

    [Test]
    public void Empty_arrays_add_nothing()
    {
        (byte[] buckets, byte[] counts) = Send("SELECT array_send('{}'::smallint[]), array_send('{}'::bigint[]);");
        var histogram = new LogHistogram();

        PostgresArrayWire.AddTo(histogram, buckets, counts);

        Convert.ToHexString(histogram.Encode()).ShouldBe(Convert.ToHexString(new LogHistogram().Encode()));
    }

    [TestCase("SELECT array_send('{1,2}'::smallint[]), array_send('{1}'::bigint[]);", "differ in length")]
    [TestCase("SELECT array_send('{1,NULL}'::smallint[]), array_send('{1,2}'::bigint[]);", "without nulls")]
    [TestCase("SELECT array_send('{{1},{2}}'::smallint[]), array_send('{1,2}'::bigint[]);", "one-dimensional")]
    [TestCase("SELECT array_send('{1,2}'::integer[]), array_send('{1,2}'::bigint[]);", "not a smallint[]")]
    [TestCase("SELECT array_send('{1,2}'::smallint[]), array_send('{1,2}'::integer[]);", "not a bigint[]")]
    public void Arrays_of_another_shape_are_refused(string sql, string message)
    {
        (byte[] buckets, byte[] counts) = Send(sql);

        Should.Throw<InvalidDataException>(() => PostgresArrayWire.AddTo(new LogHistogram(), buckets, counts)).Message.ShouldContain(message);
    }

    [Test]
    public void A_truncated_array_is_refused()
    {
        (byte[] buckets, byte[] counts) = Send("SELECT array_send('{1,2}'::smallint[]), array_send('{1,2}'::bigint[]);");

        Should.Throw<InvalidDataException>(() => PostgresArrayWire.AddTo(new LogHistogram(), buckets.AsSpan(0, buckets.Length - 1), counts));
        Should.Throw<InvalidDataException>(() => PostgresArrayWire.AddTo(new LogHistogram(), buckets.AsSpan(0, 8), counts));
    }

    // One database for these tests: they only ask the server to encode literals.
    private static readonly Lazy<string> s_database = new(() => PostgresServer.NewDatabase("array_wire"));

    private static (byte[] Buckets, byte[] Counts) Send(string sql)
    {
        using var connection = new NpgsqlConnection(s_database.Value);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        using NpgsqlDataReader reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue();
        return (reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1));
    }
}
