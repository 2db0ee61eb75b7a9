using System;
using System.IO;

namespace Instrumentor.Analyzers.Tests.Infrastructure;

/// <summary>The repository checkout the tests run from: the nearest folder above the test assembly holding Instrumentor.sln.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> s_path = new(Find);

    public static string Path => s_path.Value;

    private static string Find()
    {
        var start = System.IO.Path.GetDirectoryName(typeof(RepositoryRoot).Assembly.Location) ?? AppContext.BaseDirectory;
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Instrumentor.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Instrumentor.sln above {start}");
    }
}
