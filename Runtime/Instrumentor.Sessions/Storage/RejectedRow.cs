using System;

namespace Instrumentor.Sessions.Storage;

/// <summary>A session row the store refused for its content, and why: set aside, never retried.</summary>
internal readonly record struct RejectedRow(object Row, Exception Reason);
