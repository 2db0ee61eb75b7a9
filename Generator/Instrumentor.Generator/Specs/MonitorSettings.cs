namespace Instrumentor.Generator.Specs;

/// <summary>The values of <c>[Monitor]</c> (or its class-level / legacy equivalents) for one method.</summary>
internal sealed record MonitorSettings(
    string ProcessName,
    string? ProcessGroup,
    double SampleRate,
    bool CaptureArgs,
    bool CaptureResult,
    int MaxLength)
{
    /// <summary>The <c>ValueSerializer</c> chosen (Smart unless the attribute says otherwise).</summary>
    public SerializerKind Serializer { get; init; }

    /// <summary>For Json: the fully qualified JsonSerializerContext type, or <see langword="null"/>.</summary>
    public string? JsonContext { get; init; }

    /// <summary>The attribute's <c>SensitiveNames</c>, masked on top of the default names.</summary>
    public EquatableArray<string> SensitiveNames { get; init; } = EquatableArray<string>.Empty;
}

/// <summary>The values of the runtime's <c>ValueSerializer</c> (same numbers).</summary>
internal enum SerializerKind
{
    Smart = 0,
    Repr = 1,
    Json = 2,
    TypeName = 3,
}
