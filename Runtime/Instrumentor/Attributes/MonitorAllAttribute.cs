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

    /// <summary>
    /// How values that are not primitives, strings or enums are recorded (compile time). Default
    /// <see cref="ValueSerializer.Smart"/>: a shallow summary of public properties.
    /// </summary>
    public ValueSerializer Serializer { get; set; }

    /// <summary>
    /// For <see cref="ValueSerializer.Json"/>: the source-generated <c>System.Text.Json.Serialization.JsonSerializerContext</c>
    /// that knows the captured types (<c>typeof(AppJsonContext)</c>); INSTR011/INSTR012 report a missing context or type.
    /// </summary>
    public Type? JsonContext { get; set; }

    /// <summary>
    /// Further names masked as <c>***</c>, on top of the default ones (password, token, ...): matched like them, as a
    /// case-insensitive part of a parameter name or of a property name inside a summary, ignoring <c>_</c> and <c>-</c>.
    /// </summary>
    public string[]? SensitiveNames { get; set; }

    /// <summary>The process group stored for the methods instrumented this way.</summary>
    public string? ProcessGroup { get; set; }
}
