namespace Instrumentor;

/// <summary>When an HTTP exporter sends the spans the local store committed.</summary>
public enum ExportMode
{
    /// <summary>
    /// As soon as the store committed them: a single span goes to <c>/v1/uploads/stream</c>, several waiting spans
    /// (a burst) go together to <c>/v1/uploads</c>.
    /// </summary>
    Instant,

    /// <summary>
    /// In batches: when <see cref="HttpExporterOptions.BatchSize"/> spans wait, every
    /// <see cref="HttpExporterOptions.Interval"/>, and at flush and exit.
    /// </summary>
    Deferred,
}
