using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Tests.Infrastructure;

/// <summary>
/// Emits a compilation to memory and loads it in a collectible context that shares Instrumentor with the test,
/// so the sample's wrappers write into the test's pipeline.
/// </summary>
internal sealed class SampleAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    private SampleAssembly(AssemblyLoadContext context, Assembly assembly)
    {
        _context = context;
        Assembly = assembly;
    }

    public Assembly Assembly { get; }

    public static SampleAssembly Load(Compilation compilation, params Compilation[] dependencies)
    {
        var context = new AssemblyLoadContext("sample-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        foreach (Compilation dependency in dependencies)
        {
            context.LoadFromStream(new MemoryStream(EmitToImage(dependency)));
        }

        return new SampleAssembly(context, context.LoadFromStream(new MemoryStream(EmitToImage(compilation))));
    }

    /// <summary>The compiled image of <paramref name="compilation"/>; throws with the errors if it does not compile.</summary>
    public static byte[] EmitToImage(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("Sample does not compile:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return stream.ToArray();
    }

    /// <summary>Calls the public static method <paramref name="method"/> of <paramref name="type"/>.</summary>
    public object? Invoke(string type, string method, params object?[] arguments)
    {
        MethodInfo target = Assembly.GetType(type, throwOnError: true)!.GetMethod(method, BindingFlags.Public | BindingFlags.Static)
            ?? throw new MissingMethodException(type, method);
        try
        {
            return target.Invoke(null, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }

    public void Dispose() => _context.Unload();
}
