using System;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Analyzers.Project;

/// <summary>
/// Whether the compiler running the analyzers can apply interceptors: Roslyn 4.11 or later, whose
/// <c>CSharpExtensions</c> has <c>GetInterceptableLocation</c>. Checked once per process, by reflection on the loaded
/// Roslyn assemblies: at compile time this is cheap and the only way to learn which compiler hosts us.
/// </summary>
internal static class CompilerSupport
{
    /// <summary>The first Roslyn version with interceptors.</summary>
    public static readonly Version MinimumVersion = new(4, 11);

    private static readonly Lazy<Version> s_runningVersion =
        new(() => typeof(Compilation).Assembly.GetName().Version ?? new Version(0, 0));

    private static readonly Lazy<bool> s_hasInterceptableLocationApi = new(FindInterceptableLocationApi);

    /// <summary>The version of the Roslyn assembly loaded in this process.</summary>
    public static Version RunningVersion => s_runningVersion.Value;

    /// <summary>Whether the loaded <c>Microsoft.CodeAnalysis.CSharp.CSharpExtensions</c> has <c>GetInterceptableLocation</c>.</summary>
    public static bool HasInterceptableLocationApi => s_hasInterceptableLocationApi.Value;

    /// <summary>The test seam: whether a compiler of <paramref name="roslynVersion"/>, with or without the API, supports interceptors.</summary>
    public static bool SupportsInterceptors(Version roslynVersion, bool hasInterceptableLocationApi) =>
        roslynVersion >= MinimumVersion && hasInterceptableLocationApi;

    private static bool FindInterceptableLocationApi()
    {
        var extensions = typeof(Microsoft.CodeAnalysis.CSharp.CSharpExtensions);
        foreach (var method in extensions.GetMethods(BindingFlags.Public | BindingFlags.Static))
        {
            if (method.Name == "GetInterceptableLocation")
            {
                return true;
            }
        }

        return false;
    }
}
