using System;
using System.IO;
using System.Threading.Tasks;
using Instrumentor;
using Quickstart;

// Nothing to configure: the first monitored call starts tracing into ./traces.db (or $INSTRUMENTOR_DB).
DateTime runStart = DateTime.UtcNow;
var pricing = new PricingService();

for (int i = 1; i <= 20; i++)
{
    pricing.PriceOrder(i, 9.99m, i % 2 == 0 ? "FR" : "US");
}

decimal quote = await pricing.FetchQuoteAsync("MSFT", delayMs: 15);
Console.WriteLine($"Quote: {quote}");

try
{
    PricingService.Validate(-1);
}
catch (ArgumentOutOfRangeException ex)
{
    Console.WriteLine($"Caught as usual: {ex.GetType().Name}");
}

PricingService.Login("alice", "correct horse battery staple");

// Make sure everything is in the database before reading it back.
if (!await Monitoring.FlushAsync(TimeSpan.FromSeconds(5)))
{
    Console.Error.WriteLine("Traces could not be written in time; see the message above.");
    return 1;
}

string databasePath = new MonitoringOptions().DatabasePath!;
TraceReport.Print(databasePath, runStart);
// The one command that serves these traces (query API, live spans) from a clone of the repository.
Console.WriteLine();
Console.WriteLine("Serve these traces with the collector:");
Console.WriteLine($"  dotnet run --project Server/Instrumentor.Collector -- serve --db \"{Path.GetFullPath(databasePath)}\"");
return 0;
