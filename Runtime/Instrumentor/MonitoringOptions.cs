using System;
using System.Collections.Generic;
using System.Globalization;

namespace Instrumentor;

/// <summary>
/// Settings of the tracing pipeline. Everything has a working default: a program that never configures
/// anything records to <c>./traces.db</c> (or the path in <c>INSTRUMENTOR_DB</c>).
/// </summary>
public sealed class MonitoringOptions
{
    /// <summary>The environment variable that overrides the default database path.</summary>
    public const string DatabasePathVariable = "INSTRUMENTOR_DB";

    /// <summary>The default database file, relative to the current directory.</summary>
    public const string DefaultDatabasePath = "traces.db";

    /// <summary>The default capacity of the bounded queue of normal (non-error) records.</summary>
    public const int DefaultQueueCapacity = 10_000;

    /// <summary>The default queue depth above which a warning is written (once per crossing).</summary>
    public const int DefaultQueueWarningThreshold = 8_000;

    /// <summary>The default capacity of the in-memory overflow queue used by <see cref="OverflowPolicy.Spill"/>.</summary>
    public const int DefaultOverflowCapacity = 50_000;

    /// <summary>The default size limit of the spool file (512 MiB).</summary>
    public const long DefaultSpoolLimitBytes = 512L * 1024 * 1024;

    /// <summary>The default retention: spans older than this are purged.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromHours(6);

    /// <summary>The default interval between two retention purges.</summary>
    public static readonly TimeSpan DefaultPurgeInterval = TimeSpan.FromSeconds(60);

    /// <summary>The default time the writer sleeps when there is nothing to write.</summary>
    public static readonly TimeSpan DefaultFlushInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The configuration section that <c>services.AddInstrumentor(configuration)</c> binds these options from.</summary>
    public const string ConfigurationSection = "Instrumentor";

    /// <summary>The default budget of the flush at process exit.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The SQLite file spans are written to; <see langword="null"/> disables the SQLite store. Defaults to
    /// <c>INSTRUMENTOR_DB</c> if set, else <c>traces.db</c> in the current directory.
    /// </summary>
    public string? DatabasePath { get; set; } = DefaultPathFromEnvironment();

    /// <summary>The service name stored with every span. Defaults to the entry assembly's name.</summary>
    public string? ServiceName { get; set; } = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name;

    /// <summary>Capacity of the bounded queue of normal records (errors have their own unbounded queue).</summary>
    /// <remarks>
    /// The queue is a lock-free ring allocated when the pipeline starts: the capacity is rounded up to a power of two
    /// (the default 10,000 gives 16,384 slots) and each slot takes 320 bytes (5 MiB by default). At most 16,777,216.
    /// </remarks>
    public int QueueCapacity { get; set; } = DefaultQueueCapacity;

    /// <summary>Queue depth above which a warning is written once per crossing.</summary>
    public int QueueWarningThreshold { get; set; } = DefaultQueueWarningThreshold;

    /// <summary>What happens to a normal record when the bounded queue is full. Default <see cref="OverflowPolicy.Spill"/>.</summary>
    public OverflowPolicy OverflowPolicy { get; set; } = OverflowPolicy.Spill;

    /// <summary>Records kept in memory beyond <see cref="QueueCapacity"/> before spilling to disk (policy Spill).</summary>
    public int OverflowCapacity { get; set; } = DefaultOverflowCapacity;

    /// <summary>
    /// The spool file used by <see cref="OverflowPolicy.Spill"/>; defaults to the database path + <c>.spool</c>
    /// (or a file in the temp folder when there is no database). Without a database but with an exporter, the folder
    /// <c>SpoolPath + ".outbox"</c> is the exporters' outbox; the default is then
    /// <c>Instrumentor/&lt;ServiceName&gt;.spool</c> in the user's local application data, so a restart resumes it.
    /// </summary>
    public string? SpoolPath { get; set; }

    /// <summary>The largest the spool file may grow; past it normal records are dropped (counted, with a warning).</summary>
    public long SpoolLimitBytes { get; set; } = DefaultSpoolLimitBytes;

    /// <summary>How long spans are kept in the store; <see cref="TimeSpan.Zero"/> keeps them forever. Default 6 hours.</summary>
    public TimeSpan Retention { get; set; } = DefaultRetention;

    /// <summary>How often expired spans are purged (in small batches that never hold the writer long). Default 60 s.</summary>
    public TimeSpan PurgeInterval { get; set; } = DefaultPurgeInterval;

    /// <summary>The smallest batch the writer commits in one transaction.</summary>
    public int MinBatchSize { get; set; } = 100;

    /// <summary>The largest batch the writer commits in one transaction (reached under pressure); at most 1,048,576.</summary>
    public int MaxBatchSize { get; set; } = 5_000;

    /// <summary>How long the writer sleeps when there is nothing to write (it also wakes on new data).</summary>
    public TimeSpan FlushInterval { get; set; } = DefaultFlushInterval;

    /// <summary>The budget of the flush done by <see cref="Monitoring.Shutdown(TimeSpan)"/> at process exit.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = DefaultShutdownTimeout;

    /// <summary>
    /// Streams the spans the local store commits to an Instrumentor collector over HTTP. The store (or, with
    /// <see cref="DatabasePath"/> = null, the spool folder) is the outbox: a span stays in it until the collector
    /// acknowledged it, and the exporter resumes from its cursor after a restart.
    /// Setting <c>INSTRUMENTOR_ENDPOINT</c> adds one such exporter without code.
    /// </summary>
    /// <param name="configure">Sets the endpoint and the other settings, starting from the defaults (and the environment).</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is null.</exception>
    public MonitoringOptions AddHttpExporter(Action<HttpExporterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        // The variable's exporter is the default one: configuring an exporter in code replaces it (and keeps its key).
        HttpExporterOptions exporter = _fromEnvironment is not null && _exporters.Remove(_fromEnvironment)
            ? _fromEnvironment
            : new HttpExporterOptions();
        _fromEnvironment = null;
        configure(exporter);
        _exporters.Add(exporter);
        return this;
    }

    /// <summary>
    /// Sends the spans the local store commits as OTLP/HTTP protobuf to <c>{Endpoint}/v1/traces</c> (an OpenTelemetry
    /// Collector, Jaeger, Tempo, any OTLP backend, or <c>instrumentor serve</c>), with no OpenTelemetry SDK in the
    /// application. The resource carries <c>service.name</c> and <c>service.instance.id</c>. It is the streaming
    /// exporter with another encoding: the same outbox and cursor, batching, retries, circuit breaker and final flush.
    /// </summary>
    /// <param name="configure">Sets the endpoint (the base, e.g. <c>http://otel-collector:4318</c>) and the other settings.</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is null.</exception>
    public MonitoringOptions AddOtlpExporter(Action<HttpExporterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var exporter = new HttpExporterOptions { Wire = Export.ExportWire.Otlp };
        configure(exporter);
        _exporters.Add(exporter);
        return this;
    }

    /// <summary>The exporters to run (<see cref="AddHttpExporter"/>, <see cref="AddOtlpExporter"/>, or the one
    /// <c>INSTRUMENTOR_ENDPOINT</c> asks for).</summary>
    /// <remarks>A method, not a property: the configuration binder's generator would try to bind a property.</remarks>
    internal IReadOnlyList<HttpExporterOptions> Exporters() => _exporters;

    private List<HttpExporterOptions> _exporters = new();
    private HttpExporterOptions? _fromEnvironment;

    /// <summary>The defaults, plus the exporter <c>INSTRUMENTOR_ENDPOINT</c> asks for, if set.</summary>
    public MonitoringOptions()
    {
        _fromEnvironment = HttpExporterOptions.FromEnvironment();
        if (_fromEnvironment is not null)
        {
            _exporters.Add(_fromEnvironment);
        }
    }

    /// <summary>The largest <see cref="QueueCapacity"/>: 2^24 slots (5 GiB of ring); beyond 2^30 the power-of-two rounding overflows.</summary>
    internal const int MaxQueueCapacity = 1 << 24;

    /// <summary>The largest <see cref="MaxBatchSize"/>: the writer doubles its batch size up to it, and holds one array of it.</summary>
    internal const int MaxBatchSizeLimit = 1 << 20;

    /// <summary>The longest interval or budget: what a thread wait accepts (int.MaxValue milliseconds, about 24.8 days).</summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the first invalid one.</summary>
    internal void Validate()
    {
        List<(string Option, string Message)> problems = Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(problems[0].Message, problems[0].Option);
        }
    }

    /// <summary>Every invalid value: the option's name and a message that names it (used by <c>AddInstrumentor</c>'s validation).</summary>
    internal List<(string Option, string Message)> Problems()
    {
        var problems = new List<(string Option, string Message)>();
        void Require(bool condition, string name, string message)
        {
            if (!condition)
            {
                problems.Add((name, $"MonitoringOptions.{name} {message}."));
            }
        }

        Require(QueueCapacity >= 1, nameof(QueueCapacity), "must be at least 1");
        Require(QueueCapacity <= MaxQueueCapacity, nameof(QueueCapacity), string.Create(CultureInfo.InvariantCulture,
            $"must be at most {MaxQueueCapacity:N0} (the ring is allocated at start, 320 bytes a slot, rounded up to a power of two), not {QueueCapacity:N0}"));
        Require(QueueWarningThreshold >= 1, nameof(QueueWarningThreshold), "must be at least 1");
        Require(MinBatchSize >= 1, nameof(MinBatchSize), "must be at least 1");
        Require(MaxBatchSize <= MaxBatchSizeLimit, nameof(MaxBatchSize), string.Create(CultureInfo.InvariantCulture,
            $"must be at most {MaxBatchSizeLimit:N0} (records in one transaction), not {MaxBatchSize:N0}"));
        Require(MaxBatchSize >= MinBatchSize, nameof(MaxBatchSize), "must be at least MinBatchSize");
        Require(FlushInterval > TimeSpan.Zero, nameof(FlushInterval), "must be positive");
        Require(FlushInterval <= MaxWait, nameof(FlushInterval), "must be at most " + MaxWait.ToString("c", CultureInfo.InvariantCulture));
        Require(ShutdownTimeout >= TimeSpan.Zero, nameof(ShutdownTimeout), "must not be negative");
        Require(ShutdownTimeout <= MaxWait, nameof(ShutdownTimeout), "must be at most " + MaxWait.ToString("c", CultureInfo.InvariantCulture));
        Require(OverflowCapacity >= 0, nameof(OverflowCapacity), "must not be negative");
        Require(SpoolLimitBytes >= 0, nameof(SpoolLimitBytes), "must not be negative");
        Require(Retention >= TimeSpan.Zero, nameof(Retention), "must not be negative (TimeSpan.Zero keeps spans forever)");
        Require(PurgeInterval > TimeSpan.Zero, nameof(PurgeInterval), "must be positive");
        Require(PurgeInterval <= MaxWait, nameof(PurgeInterval), "must be at most " + MaxWait.ToString("c", CultureInfo.InvariantCulture));
        Require(System.Enum.IsDefined(OverflowPolicy), nameof(OverflowPolicy), "is not a known policy");
        Require(DatabasePath is null || DatabasePath.Trim().Length > 0, nameof(DatabasePath), "must not be empty (use null to disable the store)");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (HttpExporterOptions exporter in _exporters)
        {
            foreach ((string option, string message) in exporter.Problems())
            {
                problems.Add(("HttpExporter." + option, $"HttpExporterOptions.{option} {message}."));
            }

            Require(names.Add(exporter.EffectiveName), "HttpExporter.Name", $"'{exporter.EffectiveName}' is used by two exporters; give each its own Name (it names the cursor in the store)");
        }

        return problems;
    }

    internal MonitoringOptions Clone()
    {
        var clone = (MonitoringOptions)MemberwiseClone();
        clone._exporters = _exporters.ConvertAll(e => e.Clone());
        clone._fromEnvironment = null;
        return clone;
    }

    /// <summary>The file of records the store rejected: the database path + <c>.rejected</c> (or beside the spool without one).</summary>
    internal string EffectiveRejectedPath => DatabasePath is not null
        ? DatabasePath + ".rejected"
        : System.IO.Path.ChangeExtension(EffectiveSpoolPath, ".rejected");

    /// <summary>
    /// The spool file actually used. Without a store but with exporters, the spool must outlive the process (its folder
    /// beside it is the exporters' outbox, resumed at the next start): a stable place per service, not a per-process one.
    /// </summary>
    internal string EffectiveSpoolPath => SpoolPath
        ?? (DatabasePath is not null ? DatabasePath + ".spool"
            : _exporters.Count > 0 ? DefaultOutboxSpoolPath(ServiceName)
            : System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"instrumentor-{Environment.ProcessId}.spool"));

    /// <summary>The exporters' outbox folder when there is no store: the spool path + <c>.outbox</c>.</summary>
    internal string EffectiveOutboxPath => EffectiveSpoolPath + ".outbox";

    /// <summary>Where a service without a store keeps its spool and outbox: the user's local application data, else the temp folder.</summary>
    internal static string DefaultOutboxSpoolPath(string? service)
    {
        string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root))
        {
            root = System.IO.Path.GetTempPath();
        }

        string name = string.IsNullOrWhiteSpace(service) ? "app" : service;
        foreach (char invalid in System.IO.Path.GetInvalidFileNameChars())
        {
            name = name.Replace(invalid, '_');
        }

        return System.IO.Path.Combine(root, "Instrumentor", name + ".spool");
    }

    private static string DefaultPathFromEnvironment()
    {
        string? path = Environment.GetEnvironmentVariable(DatabasePathVariable);
        return string.IsNullOrWhiteSpace(path) ? DefaultDatabasePath : path;
    }
}
