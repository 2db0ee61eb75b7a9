using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Instrumentor.IntegrationTests.Infrastructure;

namespace Instrumentor.IntegrationTests;

/// <summary>
/// <c>dotnet pack Runtime/Instrumentor</c> gives the one package a user needs: a fresh project that only has
/// <c>&lt;PackageReference Include="Instrumentor" /&gt;</c> builds, is intercepted and writes traces.
/// </summary>
[NonParallelizable]
[Category("Build")]
public class PackageTests
{
    private static readonly string[] RoslynComponents = ["Instrumentor.Analyzers.dll", "Instrumentor.CodeFixes.dll", "Instrumentor.Generator.dll"];

    private TempDirectory _work = null!;
    private string _version = "";
    private string _package = "";

    [OneTimeSetUp]
    public void Pack()
    {
        _work = new TempDirectory("package");
        // A version nobody else uses: it only ever lives in this test's feed and packages folder.
        _version = "0.0.0-test-" + Guid.NewGuid().ToString("N")[..12];
        string feed = _work.Combine("feed");

        // --artifacts-path keeps the Release build and its restore out of the repository's bin/ and obj/.
        ProcessRunner.Result pack = ProcessRunner.Run("dotnet",
            $"pack Runtime/Instrumentor -c Release -nologo -v:q -o \"{feed}\" -p:Version={_version} --artifacts-path \"{_work.Combine("artifacts")}\"",
            RepositoryPaths.Root, timeout: TimeSpan.FromMinutes(5));
        pack.ExitCode.ShouldBe(0, pack.ToString());
        _package = Path.Combine(feed, $"Instrumentor.{_version}.nupkg");
        File.Exists(_package).ShouldBeTrue(pack.ToString());
    }

    [OneTimeTearDown]
    public void CleanUp() => _work.Dispose();

    [Test]
    public void The_package_holds_the_runtime_the_roslyn_components_the_props_and_the_readme()
    {
        using ZipArchive zip = ZipFile.OpenRead(_package);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();

        entries.ShouldContain("lib/net10.0/Instrumentor.dll");
        entries.ShouldContain("lib/net10.0/Instrumentor.xml");
        entries.ShouldContain("buildTransitive/Instrumentor.props");
        entries.ShouldContain("README.md");
        entries.Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .ShouldBe(RoslynComponents.Select(c => "analyzers/dotnet/cs/" + c));
        File.Exists(Path.ChangeExtension(_package, ".snupkg")).ShouldBeTrue("symbols package");

        XElement metadata = ReadNuspec(zip).Elements().Single(e => e.Name.LocalName == "metadata");
        string Meta(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        Meta("id").ShouldBe("Instrumentor");
        Meta("version").ShouldBe(_version);
        Meta("license").ShouldBe("MIT");
        Meta("readme").ShouldBe("README.md");
        metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url")!.Value.ShouldStartWith("https://");

        // The Roslyn components run inside the compiler: they are not dependencies, and nor is Roslyn.
        string[] dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).ToArray();
        dependencies.ShouldContain("Microsoft.Data.Sqlite");
        dependencies.ShouldNotContain(d => d.StartsWith("Instrumentor", StringComparison.Ordinal) || d.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }

    [Test]
    public void The_roslyn_components_reference_nothing_the_compiler_does_not_provide()
    {
        // The compiler loads the generator and analyzers next to Roslyn, System.Collections.Immutable and netstandard;
        // any other reference would fail to load in a user's build (CS8032) and silently disable tracing. The code
        // fixes run only in an IDE, which also provides the workspace layer and MEF (System.Composition).
        string[] compiler = ["netstandard", "Microsoft.CodeAnalysis", "Microsoft.CodeAnalysis.CSharp", "System.Collections.Immutable"];
        string[] ide = [.. compiler, "Microsoft.CodeAnalysis.Workspaces", "Microsoft.CodeAnalysis.CSharp.Workspaces",
            "System.Composition.AttributedModel", "Instrumentor.Analyzers"];
        using ZipArchive zip = ZipFile.OpenRead(_package);
        foreach (string component in RoslynComponents)
        {
            using var stream = new MemoryStream();
            using (Stream entry = zip.GetEntry("analyzers/dotnet/cs/" + component)!.Open())
            {
                entry.CopyTo(stream);
            }

            stream.Position = 0;
            using var pe = new PEReader(stream);
            MetadataReader reader = pe.GetMetadataReader();
            string[] references = reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToArray();
            string[] allowed = component == "Instrumentor.CodeFixes.dll" ? ide : compiler;
            references.ShouldAllBe(r => allowed.Contains(r), $"{component} references {string.Join(", ", references)}");
        }
    }

    [Test]
    public void A_fresh_project_with_only_the_package_reference_is_traced_into_sqlite()
    {
        string app = _work.Combine("app");
        Directory.CreateDirectory(app);
        WriteConsumer(app);

        ProcessRunner.Result build = ProcessRunner.Run("dotnet", "build -nologo -v:q", app, timeout: TimeSpan.FromMinutes(5));
        build.ExitCode.ShouldBe(0, build.ToString());
        // The analyzers came with the package: the method group below is reported, and nothing else is.
        build.StandardOutput.ShouldContain("warning INSTR002");
        build.StandardOutput.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal))
            .ShouldAllBe(l => l.Contains("INSTR002", StringComparison.Ordinal), build.StandardOutput);
        // The test version went to this test's own packages folder, never to the machine's cache.
        Directory.Exists(Path.Combine(app, "packages", "instrumentor", _version)).ShouldBeTrue();

        string db = _work.Combine("consumer.db");
        ProcessRunner.Result run = ProcessRunner.Run("dotnet", Path.Combine("bin", "Debug", "net10.0", "Consumer.dll"), app,
            new Dictionary<string, string?> { ["INSTRUMENTOR_DB"] = db }, TimeSpan.FromMinutes(2));
        run.ExitCode.ShouldBe(0, run.ToString());
        run.StandardOutput.ShouldBe("Hello, Ada (3)" + Environment.NewLine + "5" + Environment.NewLine);

        List<string?[]> spans = TraceDatabase.Query(db, "SELECT process, process_group, status, service FROM process_trace ORDER BY process");
        spans.Select(r => string.Join("|", r)).ShouldBe(["Consumer.Greeter.Greet|greetings|OK|Consumer", "Consumer.Greeter.Length|greetings|OK|Consumer"]);
        TraceDatabase.Query(db, "SELECT data, data_type, data_value FROM data_trace WHERE process = 'Consumer.Greeter.Greet' ORDER BY data_type, data")
            .Select(r => string.Join("|", r)).ShouldBe(["name|INPUT|Ada", "result|OUTPUT|Hello, Ada (3)"]);
    }

    private void WriteConsumer(string app)
    {
        // Sources: the machine's own (no <clear/>) plus the test feed. Packages: a private folder for the test version,
        // with the machine's cache as a read-only fallback so nothing else is downloaded again.
        string machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string fallback = Directory.Exists(machineCache)
            ? $"""
                <fallbackPackageFolders>
                  <add key="machine" value="{machineCache}" />
                </fallbackPackageFolders>
              """
            : "";
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="instrumentor-test-feed" value="{_work.Combine("feed")}" />
              </packageSources>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(app, "packages")}" />
              </config>
            {fallback}
            </configuration>
            """);

        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Instrumentor" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);

        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Instrumentor;

            namespace Consumer;

            public static class Greeter
            {
                [Monitor(ProcessGroup = "greetings")]
                public static string Greet(string name) => $"Hello, {name} ({Length(name)})";

                [Monitor(ProcessGroup = "greetings")]
                public static int Length(string text) => text.Length;

                public static void Main()
                {
                    Console.WriteLine(Greet("Ada"));
                    Func<string, int> untraced = Length; // INSTR002: a method group is not an intercepted call
                    Console.WriteLine(untraced("Hello"));
                }
            }
            """);
    }

    private static XElement ReadNuspec(ZipArchive zip)
    {
        using Stream stream = zip.GetEntry("Instrumentor.nuspec")!.Open();
        return XDocument.Load(stream).Root!;
    }
}
