using Instrumentor;

// Opens the store given as the first argument at the moment the test says "go" on stdin (so that two processes
// create and migrate one new file at once), records one span, flushes, and prints the outcome.
Monitoring.Configure(o => o.DatabasePath = args[0]);
Console.WriteLine("ready");
Console.Out.Flush();
Console.ReadLine();

Worker.Work(Environment.ProcessId);
bool flushed = await Monitoring.FlushAsync(TimeSpan.FromSeconds(60));
MonitoringStats stats = Monitoring.Stats;
Console.WriteLine($"flushed {flushed} written {stats.Written}");
return flushed ? 0 : 1;

public static class Worker
{
    [Monitor]
    public static int Work(int item) => item * 2;
}
