namespace Instrumentor.Collector.Alerts.Evaluation;

/// <summary>A change the actions are told about: each happens once per episode.</summary>
internal enum AlertTransition
{
    /// <summary>ok/pending → firing.</summary>
    Firing,

    /// <summary>firing → ok: the value dropped below the threshold.</summary>
    Resolved,
}
