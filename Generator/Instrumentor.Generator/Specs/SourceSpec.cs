namespace Instrumentor.Generator.Specs;

/// <summary>Where a monitored method is declared, for the site descriptor (<c>MonitorSite.SourceFile</c>, ...).</summary>
/// <param name="File">The file path as the compiler maps it (<c>#line</c>, PathMap), or <see langword="null"/> for a method of another assembly.</param>
/// <param name="Line">The 1-based line of the method's name, or 0 when <paramref name="File"/> is null.</param>
/// <param name="Signature">The signature as C# displays it: <c>decimal PricingService.PriceOrder(int quantity, decimal unitPrice)</c>.</param>
internal sealed record SourceSpec(string? File, int Line, string Signature);
