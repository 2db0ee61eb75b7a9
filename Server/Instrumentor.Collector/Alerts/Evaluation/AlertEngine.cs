using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Alerts.Actions;
using Instrumentor.Collector.Alerts.Api;
using Instrumentor.Collector.Alerts.Config;
using Microsoft.Extensions.Hosting;

namespace Instrumentor.Collector.Alerts.Evaluation;

/// <summary>
/// Runs the alert rules of <c>serve --alerts</c> (DESIGN.md §9, docs/alerts.md). Each rule has its own loop, so a slow or
/// failing rule never delays another; queries run on read-only connections with a time limit (<see cref="IRuleRunner"/>),
/// never through the store's writer, so ingest never waits for a rule. A hosted service of the collector's web host.
/// </summary>
internal sealed class AlertEngine : IHostedService, IAsyncDisposable
{
    private readonly IRuleRunner _runner;
    private readonly AlertLog _log;
    private readonly WebhookSender _webhooks;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly Dictionary<string, RuleLoop> _loops = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private AlertConfig _config;
    private DateTimeOffset _loadedAt;
    private string? _reloadError;
    private bool _started;

    public AlertEngine(AlertConfig config, IRuleRunner runner, AlertLog log, WebhookOptions webhooks, TimeProvider? time = null)
    {
        _config = config;
        _runner = runner;
        _log = log;
        _time = time ?? TimeProvider.System;
        _webhooks = new WebhookSender(webhooks, log);
        _loadedAt = _time.GetUtcNow();
    }

    /// <summary>The file the rules come from.</summary>
    public string ConfigPath => _config.Path;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _started = true;
            foreach (AlertRule rule in _config.Rules)
            {
                Launch(new RuleState(rule));
            }
        }

        _log.Report("information", "alert.loaded", null, $"{_config.Rules.Count} alert rule(s) from {_config.Path}");
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] loops;
        lock (_gate)
        {
            _started = false;
            foreach (RuleLoop loop in _loops.Values)
            {
                loop.Stop.Cancel();
            }

            loops = _loops.Values.Select(l => l.Task).ToArray();
        }

        await Task.WhenAll(loops).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts a reloaded file in force: rules keep their state (by name), new ones start, removed ones stop. Only a file that
    /// validated gets here, so the rules in force are never a half-read file.
    /// </summary>
    public void Apply(AlertConfig config)
    {
        lock (_gate)
        {
            var names = new HashSet<string>(config.Rules.Select(r => r.Name), StringComparer.Ordinal);
            foreach (string gone in _loops.Keys.Where(n => !names.Contains(n)).ToList())
            {
                _loops[gone].Stop.Cancel();
                _loops.Remove(gone);
            }

            foreach (AlertRule rule in config.Rules)
            {
                if (_loops.TryGetValue(rule.Name, out RuleLoop? loop))
                {
                    if (loop.State.Rule != rule)
                    {
                        loop.State.Replace(rule);
                        loop.Wake();
                    }
                }
                else if (_started)
                {
                    Launch(new RuleState(rule));
                }
            }

            _config = config;
            _loadedAt = _time.GetUtcNow();
            _reloadError = null;
        }

        _log.Report("information", "alert.reloaded", null, $"{config.Rules.Count} alert rule(s) from {config.Path}");
    }

    /// <summary>A reload that could not be used: the rules in force stay, and the reason is shown until a good reload.</summary>
    public void ReloadFailed(string reason)
    {
        int count;
        lock (_gate)
        {
            _reloadError = reason;
            count = _loops.Count;
        }

        _log.Report("error", "alert.reload_failed", null, $"{reason} (keeping the {count} rule(s) in force)");
    }

    /// <summary>Every rule's state, in file order, for <c>GET /api/alerts</c>.</summary>
    public AlertsAnswer Snapshot()
    {
        lock (_gate)
        {
            var items = new List<AlertItem>();
            foreach (AlertRule rule in _config.Rules)
            {
                if (_loops.TryGetValue(rule.Name, out RuleLoop? loop))
                {
                    items.Add(Item(loop.State.Snapshot()));
                }
            }

            return new AlertsAnswer(items, _config.Path, AlertTime.Format(_loadedAt), _reloadError);
        }
    }

    /// <summary>One evaluation of a rule (its loop calls it; tests may too).</summary>
    internal async Task EvaluateAsync(RuleState state, CancellationToken cancellationToken)
    {
        AlertRule rule = state.Rule;
        TimeSpan timeout = _config.QueryTimeout;
        DateTimeOffset at = _time.GetUtcNow();
        double value;
        try
        {
            // Off the loop's thread: SQLite calls block, and the time limit interrupts them.
            value = await Task.Run(() => _runner.Value(rule.Query, timeout), cancellationToken).ConfigureAwait(false);
        }
        catch (RuleFailedException e)
        {
            bool first = state.Snapshot().LastError != e.Message;
            state.Fail(e.Message, at);
            if (first)
            {
                _log.Report("error", "alert.rule_failed", rule.Name, e.Message);
            }

            return;
        }

        if (state.Observe(value, at) is not { } transition)
        {
            return;
        }

        IReadOnlyList<IReadOnlyDictionary<string, string?>>? sample = null;
        if (transition == AlertTransition.Firing && SampleQuery.For(rule) is { } sampleSql)
        {
            try
            {
                sample = await Task.Run(() => _runner.Rows(sampleSql, SampleQuery.Limit, timeout), cancellationToken).ConfigureAwait(false);
            }
            catch (RuleFailedException e)
            {
                // The alert matters more than its sample: it goes out with an empty one.
                sample = [];
                _log.Report("warning", "alert.sample_failed", rule.Name, e.Message);
            }
        }

        var message = new AlertMessage(rule.Name, transition == AlertTransition.Firing ? "firing" : "resolved", value, rule.Threshold,
            AlertTime.Format(at), rule.Severity, rule.Query, sample ?? (transition == AlertTransition.Firing ? [] : null));
        _log.Transition(message);
        if (rule.Action == AlertAction.Webhook && rule.Url is { } url)
        {
            _webhooks.Enqueue(url, message, state);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _webhooks.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private static AlertItem Item(RuleSnapshot s) => new(
        s.Rule.Name, s.State, s.Rule.Severity, s.Rule.Query, s.Rule.Threshold, s.Rule.Action == AlertAction.Webhook ? "webhook" : "log",
        s.Rule.Interval.TotalSeconds, s.LastValue, s.LastEvaluation is { } at ? AlertTime.Format(at) : null, s.LastError, s.ActionError,
        s.Evaluations, s.Firings,
        s.History.Select(h => new AlertHistoryItem(AlertTime.Format(h.At), h.Evaluation, h.Event, h.Value, h.Detail)).ToList());

    private void Launch(RuleState state)
    {
        var loop = new RuleLoop(state, CancellationTokenSource.CreateLinkedTokenSource(_stop.Token));
        _loops[state.Rule.Name] = loop;
        loop.Task = Task.Run(() => RunAsync(loop));
    }

    private async Task RunAsync(RuleLoop loop)
    {
        CancellationToken token = loop.Stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await EvaluateAsync(loop.State, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A bug of ours must not end the rule's loop silently: report it, mark the rule, go on.
                loop.State.Fail("internal error: " + e.Message, _time.GetUtcNow());
                _log.Report("error", "alert.rule_failed", loop.State.Rule.Name, "internal error: " + e);
            }

            if (!await loop.WaitAsync(loop.State.Rule.Interval, _time).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>A rule's loop: its state, its task, and a way to stop or wake it (a reload changed its interval).</summary>
    private sealed class RuleLoop
    {
        private CancellationTokenSource _wake = new();

        public RuleLoop(RuleState state, CancellationTokenSource stop)
        {
            State = state;
            Stop = stop;
        }

        public RuleState State { get; }

        public CancellationTokenSource Stop { get; }

        public Task Task { get; set; } = Task.CompletedTask;

        public void Wake() => Volatile.Read(ref _wake).Cancel();

        /// <summary>Waits one interval (less when woken); false when the loop must end.</summary>
        public async Task<bool> WaitAsync(TimeSpan interval, TimeProvider time)
        {
            CancellationTokenSource wake = Volatile.Read(ref _wake);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(Stop.Token, wake.Token);
            try
            {
                await Task.Delay(interval, time, both.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (Stop.IsCancellationRequested)
                {
                    return false;
                }

                Interlocked.Exchange(ref _wake, new CancellationTokenSource()).Dispose();
            }

            return true;
        }
    }
}
