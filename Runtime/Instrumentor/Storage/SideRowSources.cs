using System;
using System.Collections.Generic;
using System.IO;

namespace Instrumentor;

/// <summary>
/// Matches side-row sources with the pipeline writing their store file: a source registered while (or before) a
/// pipeline writes the same file is attached to it, and detached when that pipeline stops, whichever starts first.
/// </summary>
internal static class SideRowSources
{
    private static readonly object s_lock = new();
    private static readonly List<ISideRowSource> s_sources = new();
    private static readonly List<SideRowGroup> s_open = new();

    /// <summary>The path compared: full, and case-insensitive where the file system usually is.</summary>
    internal static string FullPath(string path)
    {
        string full = Path.GetFullPath(path);
        return OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? full.ToUpperInvariant() : full;
    }

    /// <summary>Registers <paramref name="source"/>; attaches it now if a running pipeline writes its file.</summary>
    internal static void Register(ISideRowSource source)
    {
        SideRowGroup? group;
        lock (s_lock)
        {
            s_sources.Add(source);
            group = Find(source.StorePath);
            // Attached under the lock: a pipeline opening or closing at the same moment sees the source in one state.
            group?.Add(source);
        }
    }

    /// <summary>Forgets <paramref name="source"/> and detaches it.</summary>
    internal static void Unregister(ISideRowSource source)
    {
        lock (s_lock)
        {
            s_sources.Remove(source);
            foreach (SideRowGroup group in s_open)
            {
                group.Remove(source);
            }
        }
    }

    /// <summary>A pipeline's writer starts on <paramref name="group"/>'s file: it takes over the sources of that file.</summary>
    internal static void Open(SideRowGroup group)
    {
        lock (s_lock)
        {
            // A pipeline replacing another one (the host's start) takes over; the old one's close then detaches nothing.
            SideRowGroup? previous = Find(group.StorePath);
            s_open.Add(group);
            foreach (ISideRowSource source in s_sources)
            {
                if (source.StorePath == group.StorePath)
                {
                    previous?.Remove(source);
                    group.Add(source);
                }
            }
        }
    }

    /// <summary>The pipeline of <paramref name="group"/> stopped: its sources write on their own again (or move to a newer pipeline of the file).</summary>
    internal static void Close(SideRowGroup group)
    {
        lock (s_lock)
        {
            s_open.Remove(group);
            group.DetachAll();
        }
    }

    private static SideRowGroup? Find(string storePath)
    {
        for (int i = s_open.Count - 1; i >= 0; i--)
        {
            if (s_open[i].StorePath == storePath)
            {
                return s_open[i];
            }
        }

        return null;
    }
}
