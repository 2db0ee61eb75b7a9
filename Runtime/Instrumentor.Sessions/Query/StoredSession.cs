using System.Collections.Generic;
using Instrumentor.Sessions.Storage;

namespace Instrumentor.Sessions.Query;

/// <summary>A session read back as rows: what the collector's API and the export write out.</summary>
internal sealed record StoredSession(SessionSummary Summary, SessionRow Row, List<TimestepRow> Timesteps, List<EventRow> Events, List<MessageRow> Messages);
