using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Collector.Hosting;
using Instrumentor.Collector.Store;
using Instrumentor.Testing;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Tests.Infrastructure;

/// <summary>A real collector (Kestrel on 127.0.0.1, port 0) over a store in a temp directory, with a client for it.</summary>
internal sealed class RunningCollector : IAsyncDisposable
{
    private readonly TempDirectory _directory;

    private RunningCollector(TempDirectory directory, CollectorServer server, CollectorOptions options)
    {
        _directory = directory;
        Server = server;
        Options = options;
        BaseAddress = server.Addresses[0];
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public CollectorServer Server { get; }

    public CollectorOptions Options { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public string DatabasePath => Options.Database;

    public static async Task<RunningCollector> StartAsync(Func<CollectorOptions, CollectorOptions>? configure = null,
        Func<CollectorOptions, ITraceStore>? openStore = null)
    {
        var directory = new TempDirectory("collector");
        var options = new CollectorOptions { Database = directory.Combine("traces.db"), Urls = "http://127.0.0.1:0", Retention = TimeSpan.Zero };
        options = configure?.Invoke(options) ?? options;
        try
        {
            CollectorServer server = await CollectorServer.StartAsync(options, openStore);
            return new RunningCollector(directory, server, options);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return Client.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using HttpResponseMessage response = await Client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Rows of the logical view <c>process_trace</c> (what alert rules and users see).</summary>
    public long CountSpans() => Scalar("SELECT count(*) FROM process_trace;");

    public long CountLogs() => Scalar("SELECT count(*) FROM logs;");

    public long Scalar(string sql) => Convert.ToInt64(Query(sql), System.Globalization.CultureInfo.InvariantCulture);

    public string Text(string sql) => Convert.ToString(Query(sql), System.Globalization.CultureInfo.InvariantCulture)!;

    private object? Query(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=True");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        _directory.Dispose();
    }
}
