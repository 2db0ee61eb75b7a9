namespace Instrumentor.Export;

/// <summary>A committed span read from the store for sending: its row id (the cursor's unit), its system and its event.</summary>
internal sealed record OutboxSpan(long RowId, WireSystemInfo System, WireEvent Event);
