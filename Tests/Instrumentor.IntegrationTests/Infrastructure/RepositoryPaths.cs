using System;
using System.IO;

namespace Instrumentor.IntegrationTests.Infrastructure;

/// <summary>Finds the repository from the test assembly's location (never a hard-coded path).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "Instrumentor.sln")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("Cannot find Instrumentor.sln above " + AppContext.BaseDirectory);
    }
}
