namespace Instrumentor.Sessions.Storage;

/// <summary>What a committed batch did: sessions newly stored, and sessions already there (left as they were).</summary>
internal readonly record struct WriteResult(int SessionsInserted, int SessionsDuplicate);
