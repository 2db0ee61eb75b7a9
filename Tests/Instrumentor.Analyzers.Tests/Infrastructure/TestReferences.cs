using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.Infrastructure;

/// <summary>
/// The framework references of test compilations, found on this machine: the testing library's NuGet-based
/// <c>ReferenceAssemblies.Net.Net100</c> would download a package, which is not possible here, so the reference pack
/// installed with the SDK is used, or the running runtime's own assemblies when no pack is found.
/// </summary>
internal static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_framework = new(LoadFramework);

    /// <summary>Names the target framework but has no package to resolve: the assemblies come from <see cref="Framework"/>.</summary>
    public static ReferenceAssemblies NoPackage { get; } = new("net10.0");

    /// <summary>The net10.0 framework assemblies.</summary>
    public static ImmutableArray<MetadataReference> Framework => s_framework.Value;

    private static ImmutableArray<MetadataReference> LoadFramework()
    {
        var files = FindReferencePack() ?? TrustedPlatformAssemblies();
        return files.Select(file => (MetadataReference)MetadataReference.CreateFromFile(file)).ToImmutableArray();
    }

    /// <summary>
    /// <c>&lt;dotnet root&gt;/packs/Microsoft.NETCore.App.Ref/&lt;version&gt;/ref/net10.0</c>, where the running runtime
    /// lives in <c>&lt;dotnet root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;</c>.
    /// </summary>
    private static string[]? FindReferencePack()
    {
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var dotnetRoot = runtimeDirectory is null ? null : Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        var packs = dotnetRoot is null ? null : Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        if (packs is null || !Directory.Exists(packs))
        {
            return null;
        }

        var newest = Directory.GetDirectories(packs)
            .Select(directory => (Directory: directory, Version: Version.TryParse(Path.GetFileName(directory).Split('-')[0], out var version) ? version : null))
            .Where(pack => pack.Version is not null && Directory.Exists(Path.Combine(pack.Directory, "ref", "net10.0")))
            .OrderByDescending(pack => pack.Version)
            .Select(pack => Path.Combine(pack.Directory, "ref", "net10.0"))
            .FirstOrDefault();
        return newest is null ? null : Directory.GetFiles(newest, "*.dll");
    }

    private static string[] TrustedPlatformAssemblies() =>
        ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(file => Path.GetFileName(file).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(file) is "mscorlib.dll" or "netstandard.dll")
            .ToArray();
}
