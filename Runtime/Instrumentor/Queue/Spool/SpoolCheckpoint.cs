namespace Instrumentor;

/// <summary>
/// How far a spool file has been replayed: committed in the same transaction as the replayed rows, so a crash
/// between commit and truncation never replays a record twice.
/// </summary>
internal readonly record struct SpoolCheckpoint(string FileId, long Offset);
