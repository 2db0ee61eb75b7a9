using System.Collections.Generic;

namespace Instrumentor.Sessions;

/// <summary>A page of sessions, newest first.</summary>
/// <param name="Items">The sessions.</param>
/// <param name="NextCursor">Pass as <see cref="SessionQuery.Cursor"/> for the next page; <see langword="null"/> on the last.</param>
public sealed record SessionPage(IReadOnlyList<SessionSummary> Items, string? NextCursor);
