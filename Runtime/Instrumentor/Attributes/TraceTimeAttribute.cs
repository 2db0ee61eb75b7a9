using System;

namespace Instrumentor;

/// <summary>
/// Legacy shim: behaves exactly as <c>[Monitor(ProcessGroup = "legacy.time")]</c>. New code should use
/// <see cref="MonitorAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class TraceTimeAttribute : Attribute
{
    /// <summary>The process group that <c>[TraceTime]</c> methods are stored under.</summary>
    public const string ProcessGroup = "legacy.time";
}
