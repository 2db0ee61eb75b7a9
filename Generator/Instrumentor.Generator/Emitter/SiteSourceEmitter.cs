using Instrumentor.Generator.Specs;

namespace Instrumentor.Generator.Emitter;

/// <summary>
/// Ends a <c>MonitorSite</c> construction with the object initializer that says where the method is declared
/// (<c>SourceFile</c>, <c>SourceLine</c>) and its <c>Signature</c>; a method of another assembly has no file.
/// </summary>
internal static class SiteSourceEmitter
{
    public static void WriteInitializer(SourceWriter writer, SourceSpec source)
    {
        writer.Line("{");
        if (source.File is not null)
        {
            writer.Line($"    SourceFile = {CSharpLiteral.String(source.File)},");
            writer.Line($"    SourceLine = {CSharpLiteral.Int(source.Line)},");
        }

        writer.Line($"    Signature = {CSharpLiteral.String(source.Signature)},");
        writer.Line("};");
    }
}
