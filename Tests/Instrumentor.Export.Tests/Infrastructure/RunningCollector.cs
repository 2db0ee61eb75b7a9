using System;
using System.Threading.Tasks;
using Instrumentor.Collector.Hosting;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Export.Tests.Infrastructure;

/// <summary>The real collector (Kestrel on 127.0.0.1) over its own store file, started and stopped by a test.</summary>
internal sealed class RunningCollector : IAsyncDisposable
{
    private readonly CollectorServer _server;

    private RunningCollector(CollectorServer server, string database)
    {
        _server = server;
        Database = database;
        BaseAddress = server.Addresses[0];
    }

    public Uri BaseAddress { get; }

    public string Database { get; }

    /// <summary>Starts a collector on <paramref name="port"/> (0: a free one) over <paramref name="database"/>.</summary>
    public static async Task<RunningCollector> StartAsync(string database, int port = 0, string? apiKey = null)
    {
        var options = new CollectorOptions
        {
            Database = database,
            Urls = $"http://127.0.0.1:{port}",
            Retention = TimeSpan.Zero,
            ApiKeys = apiKey is null ? [] : [apiKey],
        };
        return new RunningCollector(await CollectorServer.StartAsync(options), database);
    }

    public long Count(string sql = "SELECT count(*) FROM process_trace;")
    {
        using var connection = new SqliteConnection($"Data Source={Database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
