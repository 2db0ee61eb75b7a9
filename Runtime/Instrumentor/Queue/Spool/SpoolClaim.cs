using System;
using System.IO;

namespace Instrumentor;

/// <summary>
/// Makes a spool file one process's own. Processes that share a database (several test processes writing to one
/// <c>traces.db</c>) would otherwise share its spool: each appends at the end it remembers, overwriting the other's
/// records, and one's reset after a replay wipes what the other spilled. The claim is an exclusive lock on
/// <c>&lt;spool&gt;.lock</c> held while the pipeline runs (the OS releases it when the process dies); a process
/// that finds the spool claimed takes the next free slot (<c>&lt;spool&gt;.2</c>, <c>.3</c>, …), whose leftovers
/// it replays like its own.
/// </summary>
internal sealed class SpoolClaim : IDisposable
{
    /// <summary>How many processes can spool beside one database at once; the next one spills nowhere (counted drops).</summary>
    internal const int MaxSlots = 16;

    private readonly FileStream _lock;

    private SpoolClaim(string spoolPath, FileStream lockStream)
    {
        SpoolPath = spoolPath;
        _lock = lockStream;
    }

    /// <summary>The spool file this claim owns.</summary>
    internal string SpoolPath { get; }

    /// <summary>Claims <paramref name="path"/>, or the first free slot beside it; throws <see cref="IOException"/> when all are taken.</summary>
    internal static SpoolClaim Take(string path)
    {
        for (int slot = 1; slot <= MaxSlots; slot++)
        {
            string candidate = SlotPath(path, slot);
            FileStream? lockStream = TryLock(candidate + ".lock");
            if (lockStream is not null)
            {
                return new SpoolClaim(candidate, lockStream);
            }
        }

        throw new IOException($"all {MaxSlots} spool slots beside '{path}' are in use by other processes.");
    }

    /// <summary>The file of slot <paramref name="slot"/> (1 is the configured path itself).</summary>
    internal static string SlotPath(string path, int slot) =>
        slot == 1 ? path : path + "." + slot.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _lock.Dispose();

    private static FileStream? TryLock(string lockPath)
    {
        try
        {
            // FileShare.None is an exclusive lock between processes (flock on Unix, a sharing mode on Windows).
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
