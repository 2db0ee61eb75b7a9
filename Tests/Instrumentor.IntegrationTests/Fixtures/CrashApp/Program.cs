using Instrumentor;

// "run": produces spans forever, printing "durable N" after each flush (every span up to N is committed);
// then a burst without flushing, so the spool holds records when the test kills the process.
// "replay": starts the pipeline (which replays what an earlier run spilled), flushes, prints the counters.
// "unhandled": a few spans, then a monitored method throws an exception nothing catches: the process dies of it.
Monitoring.Configure(o =>
{
    o.QueueCapacity = 200;
    o.OverflowCapacity = 200;
});

if (args.Length > 0 && args[0] == "replay")
{
    Worker.Work(-1);
    bool flushed = await Monitoring.FlushAsync(TimeSpan.FromSeconds(120));
    MonitoringStats stats = Monitoring.Stats;
    Console.WriteLine($"replayed {stats.ReplayedFromEarlierRuns} flushed {flushed}");
    return;
}

if (args.Length > 0 && args[0] == "unhandled")
{
    for (int n = 0; n < 10; n++)
    {
        Worker.Work(n);
    }

    Worker.Explode("the process dies of this");
}

int i = 0;
for (int round = 0; round < 3; round++)
{
    for (int n = 0; n < 20_000; n++, i++)
    {
        Worker.Work(i);
    }

    await Monitoring.FlushAsync(TimeSpan.FromSeconds(60));
    Console.WriteLine($"durable {i - 1} spilled {Monitoring.Stats.Spilled}");
}

Console.WriteLine("burst");
while (true)
{
    Worker.Work(i++);
}

public static class Worker
{
    [Monitor]
    public static int Work(int item) => item * 2;

    [Monitor]
    public static void Explode(string why) => throw new InvalidOperationException(why);
}
