using System;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Collector.Hosting;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Logging.Tests.Infrastructure;

/// <summary>The real collector (<c>instrumentor serve</c>'s server: Kestrel on 127.0.0.1) over its own store file.</summary>
internal sealed class RunningCollector : IAsyncDisposable
{
    private readonly CollectorServer _server;

    private RunningCollector(CollectorServer server, string database)
    {
        _server = server;
        Database = database;
        BaseAddress = server.Addresses[0];
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public Uri BaseAddress { get; }

    /// <summary>The log endpoint, <c>…/api/ingest</c>.</summary>
    public Uri Ingest => new(BaseAddress, "/api/ingest");

    public string Database { get; }

    public HttpClient Client { get; }

    /// <summary>Starts a collector on <paramref name="port"/> (0: a free one) over <paramref name="database"/>.</summary>
    public static async Task<RunningCollector> StartAsync(string database, int port = 0)
    {
        var options = new CollectorOptions { Database = database, Urls = $"http://127.0.0.1:{port}", Retention = TimeSpan.Zero };
        return new RunningCollector(await CollectorServer.StartAsync(options), database);
    }

    public long Count(string sql = "SELECT count(*) FROM logs;")
    {
        using var connection = new SqliteConnection($"Data Source={Database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using HttpResponseMessage response = await Client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _server.DisposeAsync();
    }
}
