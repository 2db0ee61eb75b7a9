using System;
using System.Collections.Generic;
using System.IO;

namespace Instrumentor.IntegrationTests.Infrastructure;

/// <summary>A fixture program copied to a temporary folder and built there with <c>dotnet build</c>.</summary>
internal sealed class FixtureApp : IDisposable
{
    private FixtureApp(string directory, string name)
    {
        Directory = directory;
        Name = name;
    }

    public string Directory { get; }

    public string Name { get; }

    /// <summary>Copies and builds the fixture; <paramref name="interception"/> false builds it without the generator.</summary>
    public static FixtureApp Build(string name, bool interception)
    {
        string source = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        string directory = Path.Combine(Path.GetTempPath(), "instrumentor-fixtures", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        foreach (string file in System.IO.Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }

        if (!interception)
        {
            string project = Path.Combine(directory, name + ".csproj");
            File.WriteAllText(project, File.ReadAllText(project).Replace(
                "<OutputType>Exe</OutputType>", "<OutputType>Exe</OutputType>\n    <InstrumentorInterception>false</InstrumentorInterception>"));
        }

        string root = RepositoryPaths.Root.TrimEnd('/') + "/";
        ProcessRunner.Result build = ProcessRunner.Run("dotnet", $"build -nologo -v:q \"-p:InstrumentorRepoRoot={root}\"", directory);
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException("Fixture build failed:\n" + build);
        }

        return new FixtureApp(directory, name);
    }

    public ProcessRunner.Result Run(IDictionary<string, string?>? environment = null) =>
        ProcessRunner.Run("dotnet", Path.Combine("bin", "Debug", "net10.0", Name + ".dll"), Directory, environment, TimeSpan.FromMinutes(2));

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
