namespace Instrumentor.Runtime;

/// <summary>Formats a <see cref="CapturedValue"/> of kind <c>Formatted</c> on the writer thread.</summary>
internal interface ICapturedFormatter
{
    string? Format(in CapturedValue value);
}
