using System.IO;
using Spectre.Console;

namespace Instrumentor.Collector.Commands;

/// <summary>A Spectre console writing to the command's output (the terminal, or a test's writer: no colours when redirected).</summary>
internal static class ConsoleFor
{
    public static IAnsiConsole Create(TextWriter output) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = output == System.Console.Out && !System.Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = output == System.Console.Out && !System.Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
    });
}
