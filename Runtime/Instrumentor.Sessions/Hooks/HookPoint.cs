namespace Instrumentor.Sessions;

/// <summary>When a hook registered with <see cref="SessionHooks.Register"/> runs, and what it receives.</summary>
public enum HookPoint
{
    /// <summary>A session started; the hook receives its <see cref="SessionScope"/>.</summary>
    SessionStarted,

    /// <summary>A session ended; the hook receives its <see cref="SessionScope"/>.</summary>
    SessionEnded,

    /// <summary>A timestep started; the hook receives its <see cref="TimestepScope"/>.</summary>
    TimestepStarted,

    /// <summary>A timestep ended; the hook receives its <see cref="TimestepScope"/>.</summary>
    TimestepEnded,

    /// <summary>An event was recorded; the hook receives the <see cref="SessionEvent"/> (ids, time and cost filled in).</summary>
    EventRecorded,

    /// <summary>A message was recorded; the hook receives the <see cref="SessionMessage"/>.</summary>
    MessageRecorded,
}
