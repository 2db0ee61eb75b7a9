using System;

namespace Instrumentor;

/// <summary>
/// Instruments, at compile time, every method of this assembly whose name matches <see cref="Include"/> and does
/// not match <see cref="Exclude"/> (.NET regular expressions, evaluated by the generator).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class MonitorAllAttribute : Attribute
{
    /// <summary>A regular expression a method name must match to be instrumented.</summary>
    public string? Include { get; set; }

    /// <summary>A regular expression that excludes a method even when <see cref="Include"/> matches.</summary>
    public string? Exclude { get; set; }

    /// <summary>The process group stored for the methods instrumented this way.</summary>
    public string? ProcessGroup { get; set; }
}
