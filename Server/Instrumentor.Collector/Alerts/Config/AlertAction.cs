namespace Instrumentor.Collector.Alerts.Config;

/// <summary>What a rule does when it fires or resolves (<c>action = "log"</c> or <c>"webhook"</c>).</summary>
internal enum AlertAction
{
    /// <summary>One structured (JSON) log line on the collector's output.</summary>
    Log,

    /// <summary>An HTTP POST of a JSON body to the rule's <c>url</c>, retried with backoff.</summary>
    Webhook,
}
