using System;

namespace Instrumentor.Collector.Alerts.Evaluation;

/// <summary>A rule's query could not give a value; the message says why in the user's terms.</summary>
internal sealed class RuleFailedException : Exception
{
    public RuleFailedException(string message)
        : base(message)
    {
    }

    public RuleFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
