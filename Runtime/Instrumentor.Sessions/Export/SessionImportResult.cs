using System.Collections.Generic;

namespace Instrumentor.Sessions;

/// <summary>What <see cref="SessionImport.FromJsonLinesAsync"/> did.</summary>
/// <param name="Imported">Sessions newly stored.</param>
/// <param name="Duplicates">Sessions already stored (same id): nothing of them was stored twice.</param>
/// <param name="Errors">Lines that were not imported, with their line numbers.</param>
public sealed record SessionImportResult(int Imported, int Duplicates, IReadOnlyList<SessionImportError> Errors);
