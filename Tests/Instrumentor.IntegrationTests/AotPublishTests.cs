using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Instrumentor.IntegrationTests.Infrastructure;

namespace Instrumentor.IntegrationTests;

/// <summary>
/// <c>Samples/AotConsole</c> (PublishAot=true) publishes with no trimming or AOT warning, and the native binary
/// records its monitored calls, with their arguments, into SQLite.
/// </summary>
[NonParallelizable]
[Category("Build")]
public class AotPublishTests
{
    [Test]
    public void The_aot_sample_publishes_without_warnings_and_its_native_binary_records_traces()
    {
        using var work = new TempDirectory("aot");
        string output = work.Combine("publish");
        var clock = Stopwatch.StartNew();

        // --artifacts-path: the Release build happens in the temp folder, not in the repository's bin/ and obj/.
        ProcessRunner.Result publish = ProcessRunner.Run("dotnet",
            $"publish Samples/AotConsole -c Release -nologo -v:q -o \"{output}\" --artifacts-path \"{work.Combine("artifacts")}\"",
            RepositoryPaths.Root, timeout: TimeSpan.FromMinutes(8));
        TimeSpan publishTime = clock.Elapsed;

        publish.ExitCode.ShouldBe(0, publish.ToString());
        string[] warnings = (publish.StandardOutput + publish.StandardError).Split('\n')
            .Where(l => Regex.IsMatch(l, @"\bwarning [A-Z]+[0-9]+")).ToArray();
        warnings.ShouldBeEmpty(publish.ToString());

        string binary = Path.Combine(output, OperatingSystem.IsWindows() ? "AotConsole.exe" : "AotConsole");
        File.Exists(binary).ShouldBeTrue(string.Join(", ", Directory.GetFiles(output)));
        File.Exists(Path.Combine(output, "AotConsole.dll")).ShouldBeFalse("a NativeAOT publish has no IL assembly to run");
        TestContext.Out.WriteLine($"native binary: {new FileInfo(binary).Length / 1024} KiB; publish took {publishTime.TotalSeconds:F0} s");

        string db = work.Combine("aot.db");
        ProcessRunner.Result run = ProcessRunner.Run(binary, "", output,
            new Dictionary<string, string?> { ["INSTRUMENTOR_DB"] = db }, TimeSpan.FromMinutes(1));

        run.ExitCode.ShouldBe(0, run.ToString());
        run.StandardError.ShouldBeEmpty();
        run.StandardOutput.ShouldContain("order total: 3.75");
        run.StandardOutput.ShouldContain("shipping quote: 8.0");
        run.StandardOutput.ShouldContain("Traced 9 calls into " + db);

        TraceDatabase.Query(db, "SELECT process || ' ' || status FROM process_trace ORDER BY process, status").Select(r => r[0]).ShouldBe(
        [
            "AotConsole.Invoice.Total OK",
            "AotConsole.OrderDesk.CountLines OK",
            "AotConsole.OrderDesk.PlaceAsync ERR",
            "AotConsole.OrderDesk.PlaceAsync OK",
            "AotConsole.OrderDesk.Reserve OK",
            "AotConsole.OrderDesk.Reserve OK",
            "AotConsole.OrderDesk.Reserve OK",
            "AotConsole.OrderDesk.SignIn OK",
            "AotConsole.Shipping.Quote OK",
        ]);
        TraceDatabase.Query(db, "SELECT DISTINCT service FROM process_trace").Single()[0].ShouldBe("AotConsole");

        // Instrumentor.Logging in NativeAOT: LoggerMessage lines in the same store, stamped with the span they were logged in.
        run.StandardOutput.ShouldContain("Logged 3 lines:");
        TraceDatabase.Query(db, """
            SELECT l.message || ' in ' || p.process FROM logs l JOIN process_trace p ON p.span_id = l.span_id AND p.trace_id = l.trace_id
            ORDER BY l.ts
            """).Select(r => r[0]).ShouldBe(
        [
            "placing 3 x apple in AotConsole.OrderDesk.PlaceAsync",
            "placing 99 x pear in AotConsole.OrderDesk.PlaceAsync",
            "out of stock: pear in AotConsole.OrderDesk.PlaceAsync",
        ]);

        // Arguments captured by the compile-time serializers, in the native binary.
        Dictionary<string, string?> placed = Arguments(db, "AotConsole.OrderDesk.PlaceAsync", "OK");
        placed["orderId"].ShouldBe("6f1c2d3e-0000-4000-8000-00000000aa01");
        placed["sku"].ShouldBe("apple");
        placed["quantity"].ShouldBe("3");
        placed["unitPrice"].ShouldBe("1.25");
        placed["placedAt"].ShouldBe("2026-01-05T09:30:00.0000000Z");
        placed["result"].ShouldBe("3.75");
        Arguments(db, "AotConsole.OrderDesk.CountLines", "OK")["lines"].ShouldBe("[List<string> Count=2]");
        Arguments(db, "AotConsole.OrderDesk.SignIn", "OK")["password"].ShouldBe("***");
        // A record summary generated at compile time: no reflection, and the token-named property is masked.
        Arguments(db, "AotConsole.Shipping.Quote", "OK")["shipment"]
            .ShouldBe("Shipment { Id = 7, Destination = Lyon, Parcels = [List<decimal> Count=2], TrackingToken = ***, +1 more }");
        TraceDatabase.Query(db, "SELECT exception FROM process_trace WHERE status = 'ERR'").Single()[0]
            .ShouldNotBeNull().ShouldContain("System.InvalidOperationException: out of stock: pear");

        TestContext.Out.WriteLine($"publish + run + checks: {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static Dictionary<string, string?> Arguments(string db, string process, string status) =>
        TraceDatabase.Query(db, $"""
            SELECT d.data, d.data_value FROM data_trace d JOIN process_trace p ON p.span_id = d.span_id
            WHERE p.process = '{process}' AND p.status = '{status}'
            """).ToDictionary(r => r[0]!, r => r[1]);
}
