using System;
using System.Collections.Generic;
using System.Globalization;
using AotConsole;
using Instrumentor;
using Instrumentor.Logging;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

// A NativeAOT program: no reflection anywhere in the tracing path. Nothing to configure either: traces go to
// ./traces.db, or to $INSTRUMENTOR_DB.
string databasePath = new MonitoringOptions().DatabasePath!;
// Logs too (Instrumentor.Logging, no reflection either): into the same store, view `logs`, stamped with the span ids.
ILoggerFactory logging = LoggerFactory.Create(b => b.AddInstrumentor(o =>
{
    o.Store = true;
    o.StorePath = databasePath;
}));
var desk = new OrderDesk(logging.CreateLogger<OrderDesk>());
var placedAt = new DateTime(2026, 1, 5, 9, 30, 0, DateTimeKind.Utc);

decimal total = await desk.PlaceAsync(Guid.Parse("6f1c2d3e-0000-4000-8000-00000000aa01"), "apple", 3, 1.25m, placedAt);
Console.WriteLine($"order total: {total.ToString(CultureInfo.InvariantCulture)}");

try
{
    await desk.PlaceAsync(Guid.Parse("6f1c2d3e-0000-4000-8000-00000000aa02"), "pear", 99, 2.00m, placedAt);
}
catch (InvalidOperationException ex)
{
    Console.WriteLine($"caught: {ex.Message}");
}

Console.WriteLine($"pickup reserved: {desk.Reserve("pear", 1, OrderKind.Pickup)}");
Console.WriteLine($"lines: {OrderDesk.CountLines(["apple", "pear"])}");
Console.WriteLine($"signed in: {OrderDesk.SignIn("ada", "correct horse battery staple")}");
decimal quote = Shipping.Quote(new Shipment(7, "Lyon", [1.5m, 2m], "trk-secret-42", Insured: true));
Console.WriteLine($"shipping quote: {quote.ToString(CultureInfo.InvariantCulture)}");

if (!await Monitoring.FlushAsync(TimeSpan.FromSeconds(10)))
{
    Console.Error.WriteLine("traces could not be written in time");
    return 1;
}

// Disposing the factory delivers the buffered log lines.
logging.Dispose();

// Read the traces back through the logical views.
using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
connection.Open();
using SqliteCommand command = connection.CreateCommand();
command.CommandText = """
    SELECT p.process, p.status,
           coalesce((SELECT group_concat(d.data || '=' || coalesce(d.data_value, 'null'), ', ')
                     FROM data_trace d WHERE d.span_id = p.span_id), '')
    FROM process_trace p ORDER BY p.ts
    """;
using SqliteDataReader reader = command.ExecuteReader();
var lines = new List<string>();
while (reader.Read())
{
    lines.Add($"  {reader.GetString(0)} [{reader.GetString(1)}] {reader.GetString(2)}");
}

Console.WriteLine($"Traced {lines.Count} calls into {databasePath}:");
lines.ForEach(Console.WriteLine);

reader.Close();
command.CommandText = """
    SELECT l.level, l.message, coalesce(p.process, '-')
    FROM logs l LEFT JOIN process_trace p ON p.span_id = l.span_id AND p.trace_id = l.trace_id ORDER BY l.ts
    """;
using SqliteDataReader logReader = command.ExecuteReader();
var logLines = new List<string>();
while (logReader.Read())
{
    logLines.Add($"  {logReader.GetString(0)} {logReader.GetString(1)} (in {logReader.GetString(2)})");
}

Console.WriteLine($"Logged {logLines.Count} lines:");
logLines.ForEach(Console.WriteLine);
return 0;
