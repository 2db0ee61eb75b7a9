using Microsoft.CodeAnalysis;

namespace Instrumentor.Analyzers;

/// <summary>
/// The one table of Instrumentor diagnostics. Ids live in <see cref="DiagnosticIds"/>; every rule has a page
/// under <c>docs/rules/</c> and a line in <c>AnalyzerReleases.Unshipped.md</c>.
/// </summary>
internal static class DiagnosticDescriptors
{
    public static readonly DiagnosticDescriptor UninterceptableTarget = new(
        DiagnosticIds.UninterceptableTarget,
        "[Monitor] is placed on a member whose calls cannot be intercepted",
        "'{0}' is {1}: C# cannot intercept calls to it, so [{2}] has no effect",
        DiagnosticIds.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Interceptors rewrite method invocations only. Constructors, property and event accessors, operators, "
            + "conversions, finalizers, local functions and lambdas are called without an invocation the generator can rewrite, "
            + "so [Monitor] or [TraceTime] placed on them would silently trace nothing.",
        helpLinkUri: DiagnosticIds.HelpLinkBase + DiagnosticIds.UninterceptableTarget + ".md");

    public static readonly DiagnosticDescriptor UntracedReference = new(
        DiagnosticIds.UntracedReference,
        "Monitored method is used in a way that will not be traced",
        "'{0}' is monitored, but this use ({1}) is not an intercepted call, so calls made through it are not traced",
        DiagnosticIds.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Only direct invocations of a monitored method are intercepted. A method group, a delegate, a function pointer "
            + "or an expression tree calls the original method without the tracing wrapper.",
        helpLinkUri: DiagnosticIds.HelpLinkBase + DiagnosticIds.UntracedReference + ".md");

    public static readonly DiagnosticDescriptor InterceptorsNotEnabled = new(
        DiagnosticIds.InterceptorsNotEnabled,
        "Interceptors are not enabled for Instrumentor",
        "This project uses monitored methods, but the InterceptorsNamespaces property does not contain 'Instrumentor.Generated', "
            + "so no call is traced; add Instrumentor.Generated to InterceptorsNamespaces",
        DiagnosticIds.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The compiler applies interceptors only from namespaces listed in the InterceptorsNamespaces MSBuild property. "
            + "The Instrumentor package appends Instrumentor.Generated to it; a project that overwrites the property loses every trace.",
        helpLinkUri: DiagnosticIds.HelpLinkBase + DiagnosticIds.InterceptorsNotEnabled + ".md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor SampleRateOutOfRange = new(
        DiagnosticIds.SampleRateOutOfRange,
        "SampleRate must be between 0 and 1",
        "SampleRate is {0}, but it must be a fraction between 0 and 1",
        DiagnosticIds.Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "SampleRate is the fraction of root calls recorded: 0 records only failing calls, 1 records every call.",
        helpLinkUri: DiagnosticIds.HelpLinkBase + DiagnosticIds.SampleRateOutOfRange + ".md");

    public static readonly DiagnosticDescriptor InvalidMonitorAllPattern = new(
        DiagnosticIds.InvalidMonitorAllPattern,
        "MonitorAll pattern is not a valid regular expression",
        "MonitorAll {0} \"{1}\" is not a valid .NET regular expression: {2}",
        DiagnosticIds.Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Include and Exclude are .NET regular expressions matched against method names at compile time. "
            + "An invalid pattern matches nothing, so methods would silently not be traced.",
        helpLinkUri: DiagnosticIds.HelpLinkBase + DiagnosticIds.InvalidMonitorAllPattern + ".md");

    public static readonly DiagnosticDescriptor MaxLengthTooSmall = new(
        DiagnosticIds.MaxLengthTooSmall,
        "MaxLength must be at least 1",
        "MaxLength is {0}, but it must be at least 1",
        DiagnosticIds.Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "MaxLength is the longest string value stored, in characters. Use CaptureArgs = false or [NotCaptured] to store no value.",
        helpLinkUri: DiagnosticIds.HelpLinkBase + DiagnosticIds.MaxLengthTooSmall + ".md");

    public static readonly DiagnosticDescriptor AsyncVoidMonitoredMethod = new(
        DiagnosticIds.AsyncVoidMonitoredMethod,
        "Monitored method is async void",
        "'{0}' is async void, so the tracer cannot observe its completion or its exception; return Task instead",
        DiagnosticIds.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A span ends when the call completes. An async void method returns at its first await and reports its exception "
            + "to the synchronization context, so its duration is wrong and its failure is never recorded.",
        helpLinkUri: DiagnosticIds.HelpLinkBase + DiagnosticIds.AsyncVoidMonitoredMethod + ".md");

    public static readonly DiagnosticDescriptor SensitiveParameterCaptured = new(
        DiagnosticIds.SensitiveParameterCaptured,
        "Parameter or property looks sensitive but is not marked [Sensitive]",
        "{0} '{1}' looks sensitive and its value is captured by monitored method '{2}'; mark it [Sensitive] or [NotCaptured]",
        DiagnosticIds.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The runtime masks parameters and summarized properties with sensitive-looking names, but only by name: a rename silently stores the value in clear. "
            + "[Sensitive] states the intent and survives renames; [NotCaptured] records nothing.",
        helpLinkUri: DiagnosticIds.HelpLinkBase + DiagnosticIds.SensitiveParameterCaptured + ".md");

    public static readonly DiagnosticDescriptor CompilerTooOld = new(
        DiagnosticIds.CompilerTooOld,
        "Compiler is too old for interceptors",
        "Instrumentor needs a C# compiler with interceptors (Roslyn 4.11 or later), but this one (Roslyn {0}) cannot intercept calls, so no call is traced; update the .NET SDK",
        DiagnosticIds.Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Interceptors and InterceptableLocation arrived in Roslyn 4.11. With an older compiler the generator cannot rewrite call sites.",
        helpLinkUri: DiagnosticIds.HelpLinkBase + DiagnosticIds.CompilerTooOld + ".md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor UnreachedMonitoredMethod = new(
        DiagnosticIds.UnreachedMonitoredMethod,
        "Monitored method has no call site that can be traced",
        "'{0}' has no call site in this compilation, so it is not traced when {1} calls it; put [Monitor] on a method it calls, or call it from this project's code",
        DiagnosticIds.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Interceptors rewrite call sites of the compilation being built. A method called only by a framework "
            + "(a controller action, a hosted service's ExecuteAsync, a handler or override a library invokes) or by another "
            + "assembly has no such call site, so its [Monitor] traces nothing.",
        helpLinkUri: DiagnosticIds.HelpLinkBase + DiagnosticIds.UnreachedMonitoredMethod + ".md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor JsonWithoutContext = new(
        DiagnosticIds.JsonWithoutContext,
        "Json serializer needs a JsonSerializerContext",
        "Serializer = ValueSerializer.Json needs JsonContext = typeof(a JsonSerializerContext){0}; values are stored as object summaries instead",
        DiagnosticIds.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Instrumentor never uses reflection-based JSON (it breaks trimming and NativeAOT): Json serializes through the "
            + "source-generated context named by JsonContext. Without one, the generator falls back to the Smart summary.",
        helpLinkUri: DiagnosticIds.HelpLinkBase + DiagnosticIds.JsonWithoutContext + ".md");

    public static readonly DiagnosticDescriptor JsonContextLacksType = new(
        DiagnosticIds.JsonContextLacksType,
        "JsonSerializerContext does not declare a captured type",
        "{0} of '{1}' is captured as JSON, but '{2}' has no [JsonSerializable(typeof({3}))]; the value would be stored as an error",
        DiagnosticIds.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A source-generated JsonSerializerContext only serializes the types it declares. Any other type fails at run "
            + "time (InvalidOperationException, stored as <error: InvalidOperationException>) instead of being recorded.",
        helpLinkUri: DiagnosticIds.HelpLinkBase + DiagnosticIds.JsonContextLacksType + ".md");

    public static readonly DiagnosticDescriptor SensitivePropertyNeverCaptured = new(
        DiagnosticIds.SensitivePropertyNeverCaptured,
        "[Sensitive] property of a type that is never captured",
        "'{0}' is marked [Sensitive], but no monitored method takes or returns '{1}', so nothing is masked by it",
        DiagnosticIds.Category,
        DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "[Sensitive] on a property matters only inside an object summary of a captured value. When no monitored "
            + "method of the compilation takes or returns the type (or a type derived from it), the attribute does nothing here: "
            + "the type may be captured by another assembly, or the attribute is on the wrong type.",
        helpLinkUri: DiagnosticIds.HelpLinkBase + DiagnosticIds.SensitivePropertyNeverCaptured + ".md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor GeneratorFailure = new(
        DiagnosticIds.GeneratorFailure,
        DiagnosticIds.GeneratorFailureTitle,
        DiagnosticIds.GeneratorFailureMessageFormat,
        DiagnosticIds.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The generator caught an unexpected exception. The build goes on, but the call sites it did not finish are not traced.",
        helpLinkUri: DiagnosticIds.HelpLinkBase + DiagnosticIds.GeneratorFailure + ".md");
}
