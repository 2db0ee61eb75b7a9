namespace Instrumentor.Analyzers;

/// <summary>
/// The identifiers of every Instrumentor diagnostic. They are fixed forever: a build script, an
/// <c>.editorconfig</c> or a <c>#pragma</c> in user code may name them.
/// </summary>
/// <remarks>
/// This file depends on nothing else, so another Roslyn component (the generator reports
/// <see cref="GeneratorFailure"/>) can link it as source and stay in sync with the documented ids.
/// </remarks>
public static class DiagnosticIds
{
    /// <summary>The category shared by every Instrumentor diagnostic.</summary>
    public const string Category = "Instrumentor";

    /// <summary>The address of the rule pages; append <c>INSTRnnn.md</c>.</summary>
    public const string HelpLinkBase = "https://github.com/instrumentor/instrumentor/blob/main/docs/rules/";

    /// <summary>INSTR001: <c>[Monitor]</c> is placed on a member whose calls cannot be intercepted.</summary>
    public const string UninterceptableTarget = "INSTR001";

    /// <summary>INSTR002: a monitored method is referenced in a way that will not be traced.</summary>
    public const string UntracedReference = "INSTR002";

    /// <summary>INSTR003: the project does not enable the <c>Instrumentor.Generated</c> interceptors namespace.</summary>
    public const string InterceptorsNotEnabled = "INSTR003";

    /// <summary>INSTR004: <c>SampleRate</c> is outside [0, 1].</summary>
    public const string SampleRateOutOfRange = "INSTR004";

    /// <summary>INSTR005: <c>MonitorAll</c> has an invalid regular expression.</summary>
    public const string InvalidMonitorAllPattern = "INSTR005";

    /// <summary>INSTR006: <c>MaxLength</c> is less than 1.</summary>
    public const string MaxLengthTooSmall = "INSTR006";

    /// <summary>INSTR007: a monitored method is <c>async void</c>.</summary>
    public const string AsyncVoidMonitoredMethod = "INSTR007";

    /// <summary>INSTR008: a parameter, or a property shown in an object summary, whose name looks sensitive is captured by value.</summary>
    public const string SensitiveParameterCaptured = "INSTR008";

    /// <summary>INSTR009: the compiler is too old for interceptors.</summary>
    public const string CompilerTooOld = "INSTR009";

    /// <summary>INSTR010: a monitored method has no call site in its compilation (a framework or another assembly calls it).</summary>
    public const string UnreachedMonitoredMethod = "INSTR010";

    /// <summary>INSTR011: <c>Serializer = ValueSerializer.Json</c> without a JsonSerializerContext in <c>JsonContext</c>.</summary>
    public const string JsonWithoutContext = "INSTR011";

    /// <summary>INSTR012: a value captured as JSON has a type its JsonSerializerContext does not declare.</summary>
    public const string JsonContextLacksType = "INSTR012";

    /// <summary>INSTR013: [Sensitive] on a property of a type no monitored method takes or returns.</summary>
    public const string SensitivePropertyNeverCaptured = "INSTR013";

    /// <summary>INSTR900: the generator failed internally.</summary>
    public const string GeneratorFailure = "INSTR900";

    /// <summary>The title of <see cref="GeneratorFailure"/>; the generator reports it with exactly this title.</summary>
    public const string GeneratorFailureTitle = "Instrumentor generator failure";

    /// <summary>
    /// The message format of <see cref="GeneratorFailure"/>: {0} is the method whose wrapper could not be generated,
    /// {1} the error.
    /// </summary>
    public const string GeneratorFailureMessageFormat =
        "Instrumentor could not generate the tracing wrapper for '{0}': {1}. Calls to it are not traced; please report this.";
}
