using System;
using System.Collections.Generic;
using Instrumentor.Collector.Alerts.Config;

namespace Instrumentor.Collector.Alerts.Evaluation;

/// <summary>
/// The state machine of one rule: ok → (pending while <c>for_seconds</c> has not passed or the cooldown runs) → firing,
/// once; firing → ok (resolved), once, when the value drops below the threshold. A query that fails marks the rule failed
/// without changing its phase, so a firing rule whose query breaks for a while neither resolves nor fires twice.
/// Thread-safe: the rule's loop writes, <c>/api/alerts</c> reads.
/// </summary>
internal sealed class RuleState
{
    internal const int MaxHistory = 50;

    private readonly object _gate = new();
    private readonly LinkedList<AlertHistoryEntry> _history = new();
    private AlertPhase _phase = AlertPhase.Ok;
    private DateTimeOffset? _breachSince;
    private DateTimeOffset? _lastFired;
    private double? _lastValue;
    private DateTimeOffset? _lastEvaluation;
    private string? _error;
    private string? _actionError;
    private long _evaluations;
    private long _firings;

    public RuleState(AlertRule rule) => Rule = rule;

    /// <summary>The rule as last (re)loaded.</summary>
    public AlertRule Rule { get; private set; }

    /// <summary>Takes a reloaded version of the same rule (same name), keeping the state.</summary>
    public void Replace(AlertRule rule)
    {
        lock (_gate)
        {
            Rule = rule;
        }
    }

    /// <summary>Records a successful evaluation; returns the transition it causes, if any.</summary>
    public AlertTransition? Observe(double value, DateTimeOffset at)
    {
        lock (_gate)
        {
            _evaluations++;
            _lastValue = value;
            _lastEvaluation = at;
            if (_error is not null)
            {
                Add(at, "recovered", value, null);
                _error = null;
            }

            bool breach = value >= Rule.Threshold;
            if (_phase == AlertPhase.Firing)
            {
                if (breach)
                {
                    return null;
                }

                _phase = AlertPhase.Ok;
                _breachSince = null;
                Add(at, "resolved", value, null);
                return AlertTransition.Resolved;
            }

            if (!breach)
            {
                _phase = AlertPhase.Ok;
                _breachSince = null;
                return null;
            }

            _breachSince ??= at;
            bool heldLongEnough = at - _breachSince.Value >= Rule.For;
            bool cooledDown = _lastFired is not { } fired || at - fired >= Rule.Cooldown;
            if (heldLongEnough && cooledDown)
            {
                _phase = AlertPhase.Firing;
                _lastFired = at;
                _firings++;
                Add(at, "firing", value, null);
                return AlertTransition.Firing;
            }

            _phase = AlertPhase.Pending;
            return null;
        }
    }

    /// <summary>Records an evaluation that failed (bad SQL, a write, the time limit).</summary>
    public void Fail(string error, DateTimeOffset at)
    {
        lock (_gate)
        {
            _evaluations++;
            _lastEvaluation = at;
            if (_error != error)
            {
                Add(at, "failed", null, error);
            }

            _error = error;
        }
    }

    /// <summary>Records that an action (a webhook) could not be delivered, or clears it.</summary>
    public void ActionResult(string? error)
    {
        lock (_gate)
        {
            _actionError = error;
        }
    }

    /// <summary>A consistent copy for the API.</summary>
    public RuleSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new RuleSnapshot(Rule, _error is null ? Phase(_phase) : "failed", _lastValue, _lastEvaluation, _error, _actionError,
                _evaluations, _firings, [.. _history]);
        }
    }

    internal static string Phase(AlertPhase phase) => phase switch
    {
        AlertPhase.Pending => "pending",
        AlertPhase.Firing => "firing",
        _ => "ok",
    };

    private void Add(DateTimeOffset at, string name, double? value, string? detail)
    {
        _history.AddFirst(new AlertHistoryEntry(at, _evaluations, name, value, detail));
        if (_history.Count > MaxHistory)
        {
            _history.RemoveLast();
        }
    }
}
