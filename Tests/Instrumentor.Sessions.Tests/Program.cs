using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Sessions.Tests;

/// <summary>
/// Run as <c>dotnet Instrumentor.Sessions.Tests.dll write-sessions DB COUNT PREFIX GOFILE</c>, the test assembly is one
/// of the writers of <see cref="Storage.ManyWritersTests"/>: it waits for GOFILE, then records COUNT sessions. As
/// <c>exit-without-flush DB COUNT</c> it is the child of <see cref="Storage.SessionWriterTests"/>'s exit test.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 3 && args[0] == "exit-without-flush")
        {
            return await Storage.ExitWithoutFlush.RunAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
        }

        if (args.Length != 5 || args[0] != "write-sessions")
        {
            Console.Error.WriteLine("usage: write-sessions DB COUNT PREFIX GOFILE (the test runner loads this assembly itself)");
            return 2;
        }

        string db = args[1];
        int count = int.Parse(args[2], CultureInfo.InvariantCulture);
        string prefix = args[3];
        while (!File.Exists(args[4]))
        {
            Thread.Sleep(5);
        }

        await using var tracer = new SessionTracer(new SessionTracerOptions { DatabasePath = db });
        for (int i = 0; i < count; i++)
        {
            string id = prefix + i.ToString("0000", CultureInfo.InvariantCulture);
            await using (await tracer.StartSessionAsync(metadata: new() { ["writer"] = prefix }, sessionId: id))
            {
                await using (await tracer.StartTimestepAsync("turn", 1))
                {
                    await tracer.RecordEventAsync(new LlmCallEvent { ModelName = "m", InputTokens = 10, OutputTokens = 5, CostUsd = 0.001m });
                    await tracer.RecordMessageAsync("message of " + id, MessageType.Assistant);
                }
            }

            if (i % 50 == 0)
            {
                // Flushing now and then makes many short transactions that meet the other writers' locks.
                await tracer.FlushAsync(TimeSpan.FromSeconds(60));
            }
        }

        bool flushed = await tracer.FlushAsync(TimeSpan.FromSeconds(120));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"flushed={flushed} queued={tracer.RowsQueued} written={tracer.RowsWritten} failures={tracer.WriteFailures} error={tracer.LastWriteError}"));
        return flushed && tracer.WriteFailures == 0 ? 0 : 1;
    }
}
