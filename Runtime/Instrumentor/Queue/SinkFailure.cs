using System;
using System.Data.Common;
using System.IO;
using Microsoft.Data.Sqlite;

namespace Instrumentor;

/// <summary>
/// Tells a failure of the store (retry the same batch with backoff: it may succeed unchanged) from a failure
/// caused by the records of the batch (retrying it as it is would fail forever: bisect it and set the record at
/// fault aside), and words the message the user sees for each.
/// </summary>
/// <remarks>
/// A store failure is one of: an I/O or access error (<see cref="IOException"/>, including disk full and a
/// missing directory; <see cref="UnauthorizedAccessException"/>; <see cref="TimeoutException"/>), any SQLite error
/// except the four that a row's own content can cause (<c>SQLITE_TOOBIG</c>, <c>SQLITE_CONSTRAINT</c>,
/// <c>SQLITE_MISMATCH</c>, <c>SQLITE_RANGE</c>), or another provider's <see cref="DbException"/> that says it is
/// transient. Anything else (a bug in formatting a record, a value the store refuses) is not decided from the
/// exception alone: the writer then probes the store with an empty batch, and only if that commits does it treat
/// the records as at fault.
/// </remarks>
internal static class SinkFailure
{
    // SQLite primary result codes (the low byte of an extended code).
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqlitePerm = 3;
    private const int SqliteTooBig = 18;
    private const int SqliteConstraint = 19;
    private const int SqliteMismatch = 20;
    private const int SqliteRange = 25;

    /// <summary>Whether <paramref name="failure"/> is the store's (retry the batch unchanged).</summary>
    internal static bool IsStoreFailure(Exception failure) => failure switch
    {
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) is not (SqliteTooBig or SqliteConstraint or SqliteMismatch or SqliteRange),
        DbException db => db.IsTransient,
        IOException or UnauthorizedAccessException or TimeoutException => true,
        _ => false,
    };

    /// <summary>What the user should know of a store failure: what happened and what to do.</summary>
    internal static string Advice(Exception failure)
    {
        int code = failure is SqliteException sqlite ? sqlite.SqliteErrorCode & 0xFF : -1;
        if (code is SqliteBusy or SqliteLocked)
        {
            return "The database is locked by another connection (another process writing to the same file, or a long " +
                "read); the write is retried.";
        }

        if (code == SqliteFull || IsDiskFull(failure))
        {
            return "The disk is full; the write is retried once there is room.";
        }

        if (code is SqliteReadOnly or SqliteCantOpen or SqlitePerm || failure is UnauthorizedAccessException
            or DirectoryNotFoundException || (failure is IOException && code == -1 && !IsDiskFull(failure)))
        {
            return $"The database file cannot be opened or written; the write is retried. Set {MonitoringOptions.DatabasePathVariable} " +
                "or MonitoringOptions.DatabasePath to a writable file.";
        }

        return "The write is retried.";
    }

    private static bool IsDiskFull(Exception failure)
    {
        // ENOSPC on Unix (28), ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows (112, 39).
        int hresult = failure.HResult & 0xFFFF;
        return failure is IOException && hresult is 28 or 112 or 39;
    }
}
