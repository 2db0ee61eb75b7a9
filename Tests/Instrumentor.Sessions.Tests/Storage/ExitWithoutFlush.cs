using System;
using System.Globalization;
using System.Threading.Tasks;

namespace Instrumentor.Sessions.Tests.Storage;

/// <summary>
/// The child of <see cref="SessionWriterTests.Nothing_recorded_is_lost_when_the_process_exits_without_any_flush"/>:
/// spans and session rows into one file, then it returns from Main without flushing or disposing anything.
/// </summary>
internal static class ExitWithoutFlush
{
    internal static async Task<int> RunAsync(string db, int count)
    {
        Monitoring.Configure(o => o.DatabasePath = db);
        // Starts the pipeline and waits until its writer runs (before anything of the test is recorded), so the tracer
        // attaches to it at once; from here on nothing is flushed.
        SharedWork.Step(0);
        await Monitoring.FlushAsync(TimeSpan.FromSeconds(30));
        var tracer = new SessionTracer(new SessionTracerOptions { DatabasePath = db });
        for (int i = 0; i < count; i++)
        {
            await using (await tracer.StartSessionAsync(sessionId: "exit-" + i.ToString("0000", CultureInfo.InvariantCulture)))
            {
                await using (await tracer.StartTimestepAsync("turn", 1))
                {
                    SharedWork.Step(i);
                    await tracer.RecordEventAsync(new RuntimeEvent { Action = "step" });
                    await tracer.RecordMessageAsync("message " + i, MessageType.Assistant);
                }
            }
        }

        // No FlushAsync, no DisposeAsync, no Monitoring.Shutdown: process exit must commit what is queued.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"shared={tracer.Writer.Shared} queued={tracer.RowsQueued}"));
        return 0;
    }
}
