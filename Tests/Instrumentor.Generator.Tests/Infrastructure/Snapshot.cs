using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace Instrumentor.Generator.Tests.Infrastructure;

/// <summary>
/// Golden-file checks of generated code: compares with <c>Snapshots/NAME.verified.cs</c>. Set
/// <c>INSTRUMENTOR_ACCEPT_SNAPSHOTS=1</c> to (re)write the golden files after a deliberate change, then review
/// the diff before committing.
/// </summary>
internal static class Snapshot
{
    internal static void Verify(string actual, string name, [CallerFilePath] string callerPath = "")
    {
        string directory = Path.Combine(FindTestProjectDirectory(callerPath), "Snapshots");
        string verified = Path.Combine(directory, name + ".verified.cs");
        string normalized = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("INSTRUMENTOR_ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, normalized);
            return;
        }

        File.Exists(verified).ShouldBeTrue($"No golden file {verified}; run with INSTRUMENTOR_ACCEPT_SNAPSHOTS=1 to create it.");
        string expected = File.ReadAllText(verified).Replace("\r\n", "\n");
        if (expected != normalized)
        {
            File.WriteAllText(Path.ChangeExtension(verified, null).Replace(".verified", ".received") + ".cs", normalized);
        }

        normalized.ShouldBe(expected, $"Generated code differs from {verified} (a .received.cs file was written beside it).");
    }

    private static string FindTestProjectDirectory(string callerPath)
    {
        for (string? dir = Path.GetDirectoryName(callerPath); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "Instrumentor.Generator.Tests.csproj")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("Cannot find the test project directory from " + callerPath);
    }
}
