namespace Instrumentor.Sessions.Tests.Storage;

/// <summary>A monitored method: each call is a span of the [Monitor] pipeline, committed by its writer.</summary>
public static class SharedWork
{
    [Monitor(ProcessGroup = "shared-writer")]
    public static int Step(int turn) => turn * 2;
}
