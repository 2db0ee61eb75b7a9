namespace Instrumentor.Sessions;

/// <summary>What a bulk insert or import stored.</summary>
/// <param name="Inserted">Sessions newly stored.</param>
/// <param name="Duplicates">Sessions whose id was already stored: left as they were, nothing of them stored twice.</param>
public readonly record struct BatchInsertResult(int Inserted, int Duplicates);
