using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Analyzers.Tests.Infrastructure;

namespace Instrumentor.Analyzers.Tests.Build;

/// <summary>
/// Builds a real project with <c>dotnet build</c> and the analyzers loaded as an analyzer reference, as a user's
/// project loads them from the package: proves the diagnostics reach the command line, including the project-level
/// INSTR003 that depends on MSBuild properties.
/// </summary>
[Category("Build")]
public sealed class RealBuildTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(5);

    private const string Program = """
        using System;
        using System.Threading.Tasks;
        using Instrumentor;

        public static class Program
        {
            public static void Main()
            {
                Func<int, int> square = Calc.Square;
                Console.WriteLine(square(3) + Calc.Square(2));
                Calc.Fire();
            }
        }

        public static class Calc
        {
            [Monitor(SampleRate = 2)]
            public static int Square(int x) => x * x;

            [Monitor]
            public static async void Fire() => await Task.Yield();
        }
        """;

    [Test]
    public async Task Dotnet_build_reports_the_analyzer_diagnostics_and_fails_on_the_INSTR004_error()
    {
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "instrumentor-build-" + Guid.NewGuid().ToString("N")));
        try
        {
            var project = Path.Combine(directory.FullName, "BuildProbe.csproj");
            await File.WriteAllTextAsync(project, ProjectFile(RepositoryRoot.Path));
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "Program.cs"), Program);

            var (exitCode, output) = await RunDotnetBuildAsync(project, directory.FullName);

            TestContext.Out.WriteLine(output);
            exitCode.ShouldNotBe(0, "INSTR004 is an error, so the build must fail");

            // The only error must be ours: a referenced project that does not build would fail it for another reason.
            OtherErrors(output).ShouldBeEmpty("the build failed for another reason than INSTR004");
            output.ShouldContain("error INSTR004");
            output.ShouldContain("warning INSTR002");
            output.ShouldContain("warning INSTR003");
            output.ShouldContain("warning INSTR007");
            output.ShouldNotContain("CS9057", Case.Insensitive, "the analyzers must load in the SDK's compiler");
        }
        finally
        {
            TryDelete(directory);
        }
    }

    /// <summary>
    /// No InterceptorsNamespaces property, but declared visible: the SDK then passes an empty value to the analyzers,
    /// which must conclude that interception is off.
    /// </summary>
    private static string ProjectFile(string root) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>disable</ImplicitUsings>
          </PropertyGroup>
          <ItemGroup>
            <ProjectReference Include="{root}/Analyzers/Instrumentor.Analyzers/Instrumentor.Analyzers.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
            <ProjectReference Include="{root}/Runtime/Instrumentor/Instrumentor.csproj" />
            <CompilerVisibleProperty Include="InterceptorsNamespaces" />
          </ItemGroup>
        </Project>
        """;

    private static async Task<(int ExitCode, string Output)> RunDotnetBuildAsync(string project, string workingDirectory)
    {
        var start = new ProcessStartInfo(DotnetExecutable())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // No build server or node may outlive the build: they would hold the output pipes open after it ends.
        foreach (var argument in new[] { "build", project, "-nologo", "-p:TreatWarningsAsErrors=false", "-p:UseSharedCompilation=false", "-nodeReuse:false" })
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs under `dotnet test`, whose MSBuild variables would point the child build at the wrong SDK state.
        foreach (var name in start.Environment.Keys.Where(key => key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            start.Environment.Remove(name);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet build did not finish within {s_timeout}:\n{output}");
        }

        return (process.ExitCode, output.ToString());
    }

    private static string[] OtherErrors(string output) => output
        .Split('\n')
        .Where(line => line.Contains(": error ", StringComparison.Ordinal) && !line.Contains("error INSTR004", StringComparison.Ordinal))
        .Select(line => line.Trim())
        .Distinct(StringComparer.Ordinal)
        .ToArray();

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    /// <summary>The <c>dotnet</c> running these tests when the host says which one, else the one on PATH.</summary>
    private static string DotnetExecutable() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static void TryDelete(DirectoryInfo directory)
    {
        try
        {
            directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test over it would hide the real result.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
