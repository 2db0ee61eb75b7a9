using System;
using System.Collections.Generic;
using System.IO;
using Instrumentor.IntegrationTests.Infrastructure;

namespace Instrumentor.IntegrationTests;

/// <summary>The README's main command: <c>dotnet run --project Samples/Quickstart</c>.</summary>
[Category("Build")]
public class QuickstartTests
{
    [Test]
    public void Quickstart_writes_traces_and_prints_a_summary_and_a_trace_tree()
    {
        string db = Path.Combine(Path.GetTempPath(), "quickstart-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            ProcessRunner.Result run = ProcessRunner.Run("dotnet", "run --project Samples/Quickstart", RepositoryPaths.Root,
                new Dictionary<string, string?> { ["INSTRUMENTOR_DB"] = db });

            run.ExitCode.ShouldBe(0, run.ToString());
            run.StandardOutput.ShouldContain("Traced 45 calls into " + db);
            run.StandardOutput.ShouldContain("Quickstart.PricingService.Validate");
            run.StandardOutput.ShouldContain("- Quickstart.PricingService.FetchQuoteAsync [OK");
            run.StandardOutput.ShouldContain("    - Quickstart.PricingService.ComputeTax [OK");
            File.Exists(db).ShouldBeTrue();
        }
        finally
        {
            foreach (string file in new[] { db, db + "-wal", db + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}
