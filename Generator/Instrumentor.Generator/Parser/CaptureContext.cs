using Instrumentor.Generator.Specs;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>What choosing a capture needs besides the type: the compilation (accessibility), the user's formatters and the method's settings.</summary>
internal sealed class CaptureContext
{
    public CaptureContext(Compilation compilation, MonitorSettings settings)
    {
        Compilation = compilation;
        Formatters = FormatterIndex.For(compilation);
        Settings = settings;
    }

    public Compilation Compilation { get; }

    public FormatterIndex Formatters { get; }

    public MonitorSettings Settings { get; }

    /// <summary>Whether <paramref name="name"/> is masked: a default sensitive name or one of the method's <c>SensitiveNames</c>.</summary>
    public bool IsSensitiveName(string name) =>
        Instrumentor.Analyzers.Symbols.SensitiveNames.LooksSensitive(name) || ExtraSensitiveNames.Matches(name, Settings.SensitiveNames);
}
