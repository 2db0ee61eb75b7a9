using System;
using System.ComponentModel;

namespace Instrumentor.Runtime;

/// <summary>
/// What is known at compile time about one monitored method: generated code keeps one instance per
/// intercepted method in a <c>static readonly</c> field, so nothing here is computed per call.
/// </summary>
/// <remarks>Used by generated code; not meant to be created by hand.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class MonitorSite
{
    private readonly ulong _sampleThreshold;

    /// <summary>Creates the descriptor of a monitored method.</summary>
    /// <param name="process">The process name stored with each span (<c>Namespace.Type.Method</c> by default).</param>
    /// <param name="processGroup">The process group, or <see langword="null"/>.</param>
    /// <param name="parameterNames">The names of the captured parameters, in capture order.</param>
    /// <param name="sampleRate">The fraction of root calls recorded, in [0, 1].</param>
    /// <param name="maxLength">The longest string value stored.</param>
    public MonitorSite(string process, string? processGroup, string[] parameterNames, double sampleRate, int maxLength)
    {
        Process = process ?? throw new ArgumentNullException(nameof(process));
        ProcessGroup = processGroup;
        ParameterNames = parameterNames ?? Array.Empty<string>();
        // Out-of-range values are reported at build time (INSTR004); clamp so a bad value can never throw here.
        SampleRate = double.IsNaN(sampleRate) ? 1.0 : Math.Clamp(sampleRate, 0.0, 1.0);
        MaxLength = Math.Max(1, maxLength);
        _sampleThreshold = SampleRate >= 1.0 ? ulong.MaxValue : (ulong)(SampleRate * ulong.MaxValue);
        AlwaysSampled = SampleRate >= 1.0;
        NeverSampled = SampleRate <= 0.0;
    }

    /// <summary>The process name stored with each span.</summary>
    public string Process { get; }

    /// <summary>The process group stored with each span, or <see langword="null"/>.</summary>
    public string? ProcessGroup { get; }

    /// <summary>The names of the captured parameters, in capture order.</summary>
    public string[] ParameterNames { get; }

    /// <summary>The fraction of root calls recorded.</summary>
    public double SampleRate { get; }

    /// <summary>The longest string value stored, in characters.</summary>
    public int MaxLength { get; }

    /// <summary>The source file that declares the method (as the compiler saw it), or <see langword="null"/> when unknown.</summary>
    public string? SourceFile { get; init; }

    /// <summary>The 1-based line of the method's declaration in <see cref="SourceFile"/>, or 0 when unknown.</summary>
    public int SourceLine { get; init; }

    /// <summary>The method's signature as C# displays it (<c>decimal PricingService.PriceOrder(int quantity, decimal unitPrice)</c>), or <see langword="null"/>.</summary>
    public string? Signature { get; init; }

    internal bool AlwaysSampled { get; }

    /// <summary>The OpenTelemetry names of this site, made when the bridge first needs them (a benign race: any copy is equal).</summary>
    internal Instrumentor.Activities.SiteCodeNames? CodeNames;

    internal bool NeverSampled { get; }

    /// <summary>
    /// Decides whether a root call is sampled, drawing from <paramref name="thread"/>'s generator only when the rate
    /// is strictly between 0 and 1.
    /// </summary>
    internal bool SampleRoot(ref ThreadTraceState thread)
    {
        if (AlwaysSampled)
        {
            return true;
        }

        return !NeverSampled && thread.NextRandom() < _sampleThreshold;
    }
}
