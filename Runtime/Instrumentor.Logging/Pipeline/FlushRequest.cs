using System.Threading.Tasks;

namespace Instrumentor.Logging;

/// <summary>Queued behind the lines logged before it: completes once they have all gone to the outputs.</summary>
internal sealed class FlushRequest
{
    internal TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
