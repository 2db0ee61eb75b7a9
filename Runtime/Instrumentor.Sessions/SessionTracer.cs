using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Sessions.Context;
using Instrumentor.Sessions.Export;
using Instrumentor.Sessions.Json;
using Instrumentor.Sessions.Storage;

namespace Instrumentor.Sessions;

/// <summary>
/// Traces agent runs as sessions of timesteps holding events and messages, written by a background writer into the
/// SQLite store of the spans (or sent to a collector). The current session and timestep flow with the async
/// context like <see cref="System.Diagnostics.Activity.Current"/>: across <c>await</c>, into <c>Task.Run</c>, and
/// two concurrent sessions never see each other's.
/// </summary>
/// <remarks>
/// Recording never blocks on I/O: rows are queued and committed in batches (one transaction each). Call
/// <see cref="FlushAsync(TimeSpan)"/> to wait until they are durable; <see cref="DisposeAsync"/> and process exit
/// (3 s budget) flush too.
/// </remarks>
public sealed class SessionTracer : IAsyncDisposable
{
    private static readonly TimeSpan s_exitBudget = TimeSpan.FromSeconds(3);
    private readonly AsyncLocal<SessionScope?> _session = new();
    private readonly AsyncLocal<TimestepScope?> _timestep = new();
    private readonly SessionWriter _writer;
    private int _disposed;

    /// <summary>A tracer writing into <c>INSTRUMENTOR_DB</c> or <c>./traces.db</c>.</summary>
    public SessionTracer()
        : this(new SessionTracerOptions())
    {
    }

    /// <summary>A tracer sending to the collector at <paramref name="collectorUri"/> (e.g. <c>http://127.0.0.1:4318</c>).</summary>
    public SessionTracer(Uri collectorUri)
        : this(new SessionTracerOptions { CollectorUri = collectorUri ?? throw new ArgumentNullException(nameof(collectorUri)) })
    {
    }

    /// <summary>A tracer with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options name no store and no collector, or a batch size below 1.</exception>
    public SessionTracer(SessionTracerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.CollectorUri is null && string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            throw new ArgumentException("SessionTracerOptions.DatabasePath must not be empty when no CollectorUri is set", nameof(options));
        }

        if (options.MaxBatchSize < 1)
        {
            throw new ArgumentException("SessionTracerOptions.MaxBatchSize must be at least 1", nameof(options));
        }

        Options = options;
        ISessionSink sink = options.CollectorUri is Uri uri
            ? new HttpSessionSink(uri, options.ApiKey)
            : new SqliteSessionSink(options.DatabasePath);
        _writer = new SessionWriter(sink, options.MaxBatchSize, options.CollectorUri is null ? options.DatabasePath : null);
        Hooks = new SessionHooks();
        TracerRegistry.Add(this);
    }

    /// <summary>The options this tracer was made with; <see cref="SessionTracerOptions.Prices"/> may change at any time.</summary>
    public SessionTracerOptions Options { get; }

    /// <summary>Code to run when sessions, timesteps, events and messages are recorded.</summary>
    public SessionHooks Hooks { get; }

    /// <summary>The session current in this async flow, or <see langword="null"/>.</summary>
    public SessionScope? CurrentSession => _session.Value;

    /// <summary>The timestep current in this async flow, or <see langword="null"/>.</summary>
    public TimestepScope? CurrentTimestep => _timestep.Value;

    /// <summary>Rows (and session ends) queued since the tracer was made.</summary>
    public long RowsQueued => _writer.Queued;

    /// <summary>Rows committed since the tracer was made.</summary>
    public long RowsWritten => _writer.Written;

    /// <summary>Batch writes that failed and were tried again (a store that could not be opened, a collector that was down).</summary>
    public long WriteFailures => _writer.FailedAttempts;

    /// <summary>The last write failure, or <see langword="null"/>.</summary>
    public string? LastWriteError => _writer.LastError;

    /// <summary>The writer (tests: whether the span writer drains it, what it set aside).</summary>
    internal SessionWriter Writer => _writer;

    /// <summary>Hooks that threw.</summary>
    public long HookFailures => Hooks.Failures;

    /// <summary>
    /// Starts a session and makes it current for this async flow until the returned scope is disposed.
    /// </summary>
    /// <param name="metadata">Free-form metadata (user, task, seed...), stored as a JSON object.</param>
    /// <param name="experimentId">The experiment it belongs to (see <see cref="CreateExperimentAsync"/>).</param>
    /// <param name="sessionId">Its id; a new time-ordered one when <see langword="null"/>.</param>
    public ValueTask<SessionScope> StartSessionAsync(Dictionary<string, object?>? metadata = null, string? experimentId = null, string? sessionId = null)
    {
        // Not an async method: the AsyncLocal must change in the caller's context, not in a state machine's copy.
        ThrowIfDisposed();
        if (sessionId is not null && sessionId.Trim().Length == 0)
        {
            throw new ArgumentException("the session id must not be blank", nameof(sessionId));
        }

        var copy = metadata is null ? null : new Dictionary<string, object?>(metadata, StringComparer.Ordinal);
        var scope = new SessionScope(this, sessionId ?? StoreText.NewId(), DateTimeOffset.UtcNow, experimentId, copy, _session.Value, _timestep.Value);
        _writer.Enqueue(new SessionRow(scope.SessionId, StoreText.Timestamp(scope.CreatedAt), MetadataJson.Write(copy), experimentId));
        _session.Value = scope;
        _timestep.Value = null;
        return WithHooks(HookPoint.SessionStarted, scope);
    }

    /// <summary>Starts a timestep of the current session and makes it current until the returned scope is disposed.</summary>
    /// <param name="name">The step's name (<c>step_id</c>).</param>
    /// <param name="turnNumber">The conversation turn it belongs to.</param>
    /// <param name="metadata">Free-form metadata.</param>
    /// <exception cref="InvalidOperationException">No session is current.</exception>
    public ValueTask<TimestepScope> StartTimestepAsync(string name, int? turnNumber = null, Dictionary<string, object?>? metadata = null)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        SessionScope session = RequireSession();
        var scope = new TimestepScope(this, StoreText.NewId(), session, name, session.NextStepIndex(), turnNumber,
            DateTimeOffset.UtcNow, MetadataJson.Write(metadata), _timestep.Value);
        _writer.Enqueue(TimestepRow(scope));
        _timestep.Value = scope;
        return WithHooks(HookPoint.TimestepStarted, scope);
    }

    /// <summary>
    /// Records <paramref name="sessionEvent"/> in the current session and timestep (unless it names its own), with
    /// the current span's trace and span id, and prices an <see cref="LlmCallEvent"/> that has no cost. The unset
    /// fields of the event are filled in (it is what <see cref="HookPoint.EventRecorded"/> hooks receive).
    /// </summary>
    /// <exception cref="InvalidOperationException">No session is current and the event names none.</exception>
    public ValueTask RecordEventAsync(SessionEvent sessionEvent)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(sessionEvent);
        if (sessionEvent.SessionId is null)
        {
            sessionEvent.SessionId = RequireSession().SessionId;
            sessionEvent.TimestepId ??= _timestep.Value?.Id;
        }

        if (sessionEvent.TraceId is null && sessionEvent.SpanId is null && AmbientSpan.TryGet(out string? traceId, out string? spanId))
        {
            sessionEvent.TraceId = traceId;
            sessionEvent.SpanId = spanId;
        }

        _writer.Enqueue(RowFactory.Event(sessionEvent, Options.Prices));
        return Hooks.RunAsync(HookPoint.EventRecorded, sessionEvent);
    }

    /// <summary>Records a message in the current session and timestep.</summary>
    /// <exception cref="InvalidOperationException">No session is current.</exception>
    public ValueTask RecordMessageAsync(string content, MessageType messageType, Dictionary<string, object?>? metadata = null, float[]? embedding = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        return RecordMessageAsync(new SessionMessage { Content = content, MessageType = messageType, Metadata = metadata, Embedding = embedding });
    }

    /// <summary>Records <paramref name="message"/> in the current session and timestep (unless it names its own).</summary>
    /// <exception cref="InvalidOperationException">No session is current and the message names none.</exception>
    public ValueTask RecordMessageAsync(SessionMessage message)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(message.Content, "message.Content");
        if (message.SessionId is null)
        {
            message.SessionId = RequireSession().SessionId;
            message.TimestepId ??= _timestep.Value?.Id;
        }

        _writer.Enqueue(RowFactory.Message(message));
        return Hooks.RunAsync(HookPoint.MessageRecorded, message);
    }

    /// <summary>Stores an experiment (or updates the one with its id); returns its id.</summary>
    public ValueTask<string> CreateExperimentAsync(Experiment experiment)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentException.ThrowIfNullOrWhiteSpace(experiment.Name, "experiment.Name");
        experiment.ExperimentId ??= StoreText.NewId();
        experiment.CreatedAt ??= DateTimeOffset.UtcNow;
        _writer.Enqueue(new ExperimentRow(experiment.ExperimentId, experiment.Name, experiment.Description,
            MetadataJson.Write(experiment.Configuration), StoreText.Timestamp(experiment.CreatedAt.Value)));
        return new ValueTask<string>(experiment.ExperimentId);
    }

    /// <summary>Stores a system (or updates the one with its id); returns its id.</summary>
    public ValueTask<string> RegisterSystemAsync(AgentSystem system)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(system);
        ArgumentException.ThrowIfNullOrWhiteSpace(system.Name, "system.Name");
        system.SystemId ??= StoreText.NewId();
        _writer.Enqueue(new SystemRow(system.SystemId, system.Name, system.SystemType, system.Description));
        return new ValueTask<string>(system.SystemId);
    }

    /// <summary>Stores a version of a system; returns its id.</summary>
    public ValueTask<string> RegisterSystemVersionAsync(SystemVersion version)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(version);
        ArgumentException.ThrowIfNullOrWhiteSpace(version.SystemId, "version.SystemId");
        ArgumentException.ThrowIfNullOrWhiteSpace(version.Version, "version.Version");
        version.VersionId ??= StoreText.NewId();
        version.CreatedAt ??= DateTimeOffset.UtcNow;
        _writer.Enqueue(new SystemVersionRow(version.VersionId, version.SystemId, version.Version,
            MetadataJson.Write(version.Configuration), StoreText.Timestamp(version.CreatedAt.Value)));
        return new ValueTask<string>(version.VersionId);
    }

    /// <summary>
    /// Stores complete sessions in one transaction, after everything recorded before; idempotent on the session id
    /// (a session already stored is counted as a duplicate and nothing of it is stored twice). Completes when committed.
    /// </summary>
    public async Task<BatchInsertResult> BatchInsertSessionsAsync(IEnumerable<SessionData> sessions)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(sessions);
        var batch = new SessionBatch();
        foreach (SessionData data in sessions)
        {
            ArgumentNullException.ThrowIfNull(data, nameof(sessions) + "[]");
            RowFactory.AddSession(batch, data, Options.Prices);
        }

        if (batch.Count == 0)
        {
            return default;
        }

        WriteResult result = await _writer.WriteNowAsync(batch).ConfigureAwait(false);
        return new BatchInsertResult(result.SessionsInserted, result.SessionsDuplicate);
    }

    /// <summary>Stores rows already in store form (import and collector ingest) in one transaction.</summary>
    internal async Task<BatchInsertResult> WriteRowsAsync(SessionBatch batch)
    {
        ThrowIfDisposed();
        WriteResult result = await _writer.WriteNowAsync(batch).ConfigureAwait(false);
        return new BatchInsertResult(result.SessionsInserted, result.SessionsDuplicate);
    }

    /// <summary>Waits until everything recorded so far is committed; <see langword="false"/> if <paramref name="timeout"/> ran out first.</summary>
    public async Task<bool> FlushAsync(TimeSpan timeout)
    {
        Task flush = _writer.FlushAsync();
        return await Task.WhenAny(flush, Task.Delay(timeout)).ConfigureAwait(false) == flush;
    }

    /// <summary>Waits until everything recorded so far is committed (at most 10 s).</summary>
    public Task<bool> FlushAsync() => FlushAsync(TimeSpan.FromSeconds(10));

    /// <summary>Commits everything recorded and closes the store or the HTTP client.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        TracerRegistry.Remove(this);
        await _writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>At process exit: commits what is queued, within the exit budget.</summary>
    internal void FlushAtExit() => _writer.FlushAsync().Wait(s_exitBudget);

    internal ValueTask EndSession(SessionScope scope)
    {
        if (!scope.MarkEnded())
        {
            return default;
        }

        if (ReferenceEquals(_session.Value, scope))
        {
            _session.Value = scope.Previous;
            _timestep.Value = scope.PreviousTimestep;
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            return default;
        }

        _writer.Enqueue(new SessionEnd(scope.SessionId));
        return Hooks.RunAsync(HookPoint.SessionEnded, scope);
    }

    internal ValueTask EndTimestep(TimestepScope scope)
    {
        if (!scope.MarkEnded())
        {
            return default;
        }

        if (ReferenceEquals(_timestep.Value, scope))
        {
            _timestep.Value = scope.Previous;
        }

        scope.CompletedAt = DateTimeOffset.UtcNow;
        if (Volatile.Read(ref _disposed) != 0)
        {
            return default;
        }

        _writer.Enqueue(TimestepRow(scope));
        return Hooks.RunAsync(HookPoint.TimestepEnded, scope);
    }

    private static TimestepRow TimestepRow(TimestepScope scope) =>
        new(scope.Id, scope.Session.SessionId, scope.StepId, scope.StepIndex, scope.TurnNumber, StoreText.Timestamp(scope.StartedAt),
            scope.CompletedAt is DateTimeOffset done ? StoreText.Timestamp(done) : null, scope.MetadataJson);

    private SessionScope RequireSession() =>
        _session.Value ?? throw new InvalidOperationException(
            "no session is current in this async flow: call StartSessionAsync first (or set SessionId on the event or message)");

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private ValueTask<T> WithHooks<T>(HookPoint point, T scope)
        where T : class
    {
        ValueTask hooks = Hooks.RunAsync(point, scope);
        return hooks.IsCompletedSuccessfully ? new ValueTask<T>(scope) : AwaitHooks(hooks, scope);

        static async ValueTask<T> AwaitHooks(ValueTask hooks, T scope)
        {
            await hooks.ConfigureAwait(false);
            return scope;
        }
    }
}
