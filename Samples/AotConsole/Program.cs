using System;
using System.Collections.Generic;
using System.Globalization;
using AotConsole;
using Instrumentor;
using Microsoft.Data.Sqlite;

// A NativeAOT program: no reflection anywhere in the tracing path. Nothing to configure either: traces go to
// ./traces.db, or to $INSTRUMENTOR_DB.
var desk = new OrderDesk();
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

if (!await Monitoring.FlushAsync(TimeSpan.FromSeconds(10)))
{
    Console.Error.WriteLine("traces could not be written in time");
    return 1;
}

// Read the traces back through the logical views.
string databasePath = new MonitoringOptions().DatabasePath!;
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
return 0;
