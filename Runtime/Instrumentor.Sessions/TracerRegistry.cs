using System;
using System.Collections.Generic;

namespace Instrumentor.Sessions;

/// <summary>The live tracers, flushed at process exit so that nothing recorded is lost when the app simply ends.</summary>
internal static class TracerRegistry
{
    private static readonly HashSet<SessionTracer> s_live = new();
    private static bool s_hooked;

    internal static void Add(SessionTracer tracer)
    {
        lock (s_live)
        {
            s_live.Add(tracer);
            if (!s_hooked)
            {
                s_hooked = true;
                AppDomain.CurrentDomain.ProcessExit += static (_, _) => FlushAll();
            }
        }
    }

    internal static void Remove(SessionTracer tracer)
    {
        lock (s_live)
        {
            s_live.Remove(tracer);
        }
    }

    private static void FlushAll()
    {
        SessionTracer[] tracers;
        lock (s_live)
        {
            tracers = new SessionTracer[s_live.Count];
            s_live.CopyTo(tracers);
        }

        foreach (SessionTracer tracer in tracers)
        {
            try
            {
                tracer.FlushAtExit();
            }
            catch
            {
                // Exit goes on whatever a tracer does.
            }
        }
    }
}
