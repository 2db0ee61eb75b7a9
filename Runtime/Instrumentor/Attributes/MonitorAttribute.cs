using System;

namespace Instrumentor;

/// <summary>
/// Traces every call to the method (or, on a class or struct, to each of its methods): the source generator
/// rewrites each call site into a wrapper that times the call and records its arguments, result and exception.
/// </summary>
/// <remarks>
/// Everything here is read at compile time; changing a value needs a rebuild. Invalid values are reported by
/// the Instrumentor analyzers (INSTR004 for <see cref="SampleRate"/>, INSTR006 for <see cref="MaxLength"/>).
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class MonitorAttribute : Attribute
{
    /// <summary>The default <see cref="MaxLength"/>: strings longer than this are truncated when stored.</summary>
    public const int DefaultMaxLength = 1000;

    /// <summary>A group name stored with every span (for example <c>"trading.pnl"</c>), or <see langword="null"/>.</summary>
    public string? ProcessGroup { get; set; }

    /// <summary>
    /// The fraction of root calls that are recorded, in [0, 1]. Calls nested in a traced call follow their parent.
    /// A call that throws is always recorded, sampled or not. Default 1.
    /// </summary>
    public double SampleRate { get; set; } = 1.0;

    /// <summary>Whether argument values are recorded. Default <see langword="true"/>.</summary>
    public bool CaptureArgs { get; set; } = true;

    /// <summary>Whether the return value is recorded. Default <see langword="true"/>.</summary>
    public bool CaptureResult { get; set; } = true;

    /// <summary>The longest string value stored, in characters; longer values are truncated. Default 1000.</summary>
    public int MaxLength { get; set; } = DefaultMaxLength;

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

    /// <summary>The process name stored instead of the default <c>Namespace.Type.Method</c>.</summary>
    public string? Name { get; set; }
}
