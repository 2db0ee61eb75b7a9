using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Logging;

/// <summary>Where a batch of lines goes. Called by the pipeline's one worker, one batch at a time.</summary>
internal interface ILogOutput : IAsyncDisposable
{
    /// <summary>Writes a batch; may throw (the pipeline counts it and goes on).</summary>
    Task WriteAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken);

    /// <summary>Work left over from earlier batches (the collector's fallback replay); called at each tick and flush.</summary>
    Task TickAsync(bool flushing, CancellationToken cancellationToken);
}
