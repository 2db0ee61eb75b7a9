using System.Threading.Tasks;

namespace Instrumentor.Sessions.Storage;

/// <summary>A flush in the writer's queue: completes once everything queued before it is committed (or set aside).</summary>
internal sealed record SessionFlush(TaskCompletionSource Done);
