using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Export.Tests.Infrastructure;

/// <summary>
/// <c>instrumentor serve</c> as its own process (the collector tool's assembly, built beside the tests) on a given
/// 127.0.0.1 port over a store file: started, SIGKILLed and started again on the same port and file by a test.
/// </summary>
internal sealed class CollectorProcess : IDisposable
{
    private readonly ChildProcess _process;

    private CollectorProcess(ChildProcess process) => _process = process;

    public static async Task<CollectorProcess> StartAsync(string database, int port, string workingDirectory)
    {
        ChildProcess process = ChildProcess.Start(ChildProcess.BuiltAssembly("CollectorAssembly"),
            $"serve --db \"{database}\" --urls http://127.0.0.1:{port}", workingDirectory, new Dictionary<string, string?>());
        var collector = new CollectorProcess(process);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        DateTime deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/healthz")).IsSuccessStatusCode)
                {
                    return collector;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                collector.Dispose();
                throw new InvalidOperationException("the collector did not start:\n" + process.Output);
            }

            await Task.Delay(100);
        }
    }

    public string Output => _process.Output;

    /// <summary>SIGKILL: the collector dies between two requests or in the middle of one.</summary>
    public void Kill() => _process.Kill();

    public void Dispose() => _process.Dispose();

    /// <summary>Waits (3 minutes at most, while <paramref name="app"/> runs) until the collector's store holds a span.</summary>
    public static async Task UntilReceivingAsync(string database, ChildProcess app)
    {
        DateTime deadline = DateTime.UtcNow.AddMinutes(3);
        while (Count(database, "SELECT count(*) FROM span;") == 0 && !app.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>A number read from a store file (the collector's or the application's) with its own read-only connection.</summary>
    public static long Count(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
