namespace Instrumentor.Sessions;

/// <summary>A line of a JSON Lines file that was not imported, and why.</summary>
/// <param name="LineNumber">The line, from 1.</param>
/// <param name="Message">What is wrong with it (with the JSON path of the fault).</param>
public sealed record SessionImportError(int LineNumber, string Message);
