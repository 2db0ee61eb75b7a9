using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Alerts.Actions;
using Instrumentor.Collector.Alerts.Api;
using Instrumentor.Collector.Alerts.Evaluation;
using Instrumentor.Collector.Alerts.Reload;
using Instrumentor.Collector.Auth;
using Instrumentor.Collector.Dashboard;
using Instrumentor.Collector.Ingest;
using Instrumentor.Collector.Live;
using Instrumentor.Collector.Query;
using Instrumentor.Collector.Retention;
using Instrumentor.Collector.Store;
using Instrumentor.Collector.Store.Postgres;
using Instrumentor.Collector.Store.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Http.Features;

namespace Instrumentor.Collector.Hosting;

/// <summary>
/// A running collector: Kestrel, the store, its one writer, the live feed and retention. <c>instrumentor serve</c>
/// runs one; tests start one on port 0 the same way. New endpoint families (dashboard, OTLP, alerts) are mapped in
/// <see cref="MapEndpoints"/>.
/// </summary>
internal sealed class CollectorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CollectorServer(WebApplication app, ITraceStore store, IngestWriter writer, LiveFeed live, RetentionService retention)
    {
        _app = app;
        Store = store;
        Writer = writer;
        Live = live;
        Retention = retention;
    }

    public ITraceStore Store { get; }

    public IngestWriter Writer { get; }

    public LiveFeed Live { get; }

    public RetentionService Retention { get; }

    /// <summary>Keeps the per-minute stats rollups up to date (not started on an archive).</summary>
    internal Rollup.StatsRollupService Rollups { get; private init; } = null!;

    /// <summary>True when the store is an archive, served read-only (no ingest, no retention).</summary>
    public bool ReadOnly { get; private set; }

    /// <summary>The alert rules of <c>--alerts</c> (null without it).</summary>
    public AlertEngine? Alerts { get; private set; }

    /// <summary>Reloads the alerts file on SIGHUP or change (null without <c>--alerts</c>).</summary>
    public AlertReloader? AlertReloader { get; private set; }

    /// <summary>The addresses Kestrel bound (with the real port when port 0 was asked).</summary>
    public IReadOnlyList<Uri> Addresses =>
        _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Select(a => new Uri(a)).ToList();

    /// <summary>Opens the store and starts listening. <paramref name="openStore"/> replaces the SQLite store (tests).</summary>
    /// <exception cref="InvalidOperationException">The options are unsafe (non-loopback without keys) or the store cannot be opened.</exception>
    public static async Task<CollectorServer> StartAsync(CollectorOptions options, Func<CollectorOptions, ITraceStore>? openStore = null,
        CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> exposed = LoopbackCheck.NonLoopback(options.Urls);
        if (exposed.Count > 0 && options.ApiKeys.Count == 0)
        {
            throw new InvalidOperationException(
                $"refusing to listen on {string.Join(", ", exposed)} without an API key: anyone on the network could write and read traces. " +
                "Give --api-key KEY (or INSTRUMENTOR_API_KEYS), or listen on a loopback address such as http://127.0.0.1:4318.");
        }

        // An archive (instrumentor archive, --archive-dir) is served read-only: never migrated, ingested or purged.
        bool readOnly = openStore is null && options.Postgres is null && Archive.StoreArchiver.IsArchiveFile(options.Database);
        if (readOnly && options.Archive is not null)
        {
            throw new InvalidOperationException($"{options.Database} is an archive, opened read-only: --archive-dir applies to a live store only");
        }

        if (options.Postgres is not null && options.Archive is not null)
        {
            throw new InvalidOperationException("--archive-dir writes SQLite archives; it does not apply to a PostgreSQL store (--postgres)");
        }

        openStore ??= o => o.Postgres is { } postgres ? PostgresTraceStore.Open(postgres) : SqliteTraceStore.Open(o.Database);
        ITraceStore store = readOnly ? ReadOnlyTraceStore.Open(options.Database) : openStore(options);
        var writer = new IngestWriter(store, options.WriterCapacity);
        var live = new LiveFeed(store.Queries, TimeSpan.FromMilliseconds(250));
        writer.SpansCommitted += live.Nudge;
        var retention = new RetentionService(writer, options.Retention, options.MaxSizeBytes, options.RetentionInterval, options.Archive, store.Location);
        var rollups = new Rollup.StatsRollupService(writer, options.RollupInterval);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Our own reader enforces the limit (after gzip too); Kestrel's stops a client that would send more anyway.
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes + 1;
        });

        // Alerts read the store on their own read-only connections, never through the writer (docs/alerts.md).
        AlertEngine? alerts = options.Alerts is { } rules
            ? new AlertEngine(rules, options.Postgres is { } connectionString ? new PostgresRuleRunner(connectionString) : new SqliteRuleRunner(store.Location), new AlertLog(options.AlertOutput ?? Console.Out), options.Webhooks)
            : null;
        if (alerts is not null)
        {
            builder.Services.AddSingleton<IHostedService>(alerts);
        }

        WebApplication app = builder.Build();
        var server = new CollectorServer(app, store, writer, live, retention) { Alerts = alerts, ReadOnly = readOnly, Rollups = rollups };
        try
        {
            app.UseMiddleware<FaultMiddleware>();
            app.UseMiddleware<AccessMiddleware>(new AccessPolicy(new KeySet(options.ApiKeys), options.ReadKey));
            server.MapEndpoints(options);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (!readOnly)
        {
            retention.Start();
            if (options.RollupInterval > TimeSpan.Zero)
            {
                rollups.Start();
            }

        }

        if (alerts is not null)
        {
            server.AlertReloader = new AlertReloader(alerts, alerts.ConfigPath);
            server.AlertReloader.Start();
        }

        return server;
    }

    /// <summary>Waits until the process is asked to stop (Ctrl+C, SIGTERM) or <paramref name="cancellationToken"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops listening, lets queued writes commit, then closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        AlertReloader?.Dispose();
        if (Alerts is not null)
        {
            await Alerts.DisposeAsync().ConfigureAwait(false);
        }

        Retention.Dispose();
        Rollups.Dispose();
        _sessions?.Dispose();
        Live.Dispose();
        Writer.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
        Store.Dispose();
    }

    // Session tracing (Instrumentor.Sessions), see docs/sessions.md.
    private Sessions.SessionEndpoints? _sessions;

    private void MapEndpoints(CollectorOptions options)
    {
        if (ReadOnly)
        {
            ReadOnlyIngestEndpoints.Map(_app, Store.Location);
        }
        else
        {
            new IngestEndpoints(Writer, options).Map(_app);
            new Otlp.OtlpEndpoints(Writer, options).Map(_app);
        }

        new QueryEndpoints(Store, Writer, ReadOnly ? null : Retention).Map(_app);
        new LogQueryEndpoints(Store).Map(_app);
        new LiveEndpoint(Live).Map(_app);
        new AlertEndpoints(Alerts).Map(_app);
        // The session tables live next to the spans: in the PostgreSQL database or the SQLite file.
        Sessions.ISessionBackend? sessions = Store is PostgresTraceStore postgres ? postgres.Sessions
            : options.Postgres is null ? new Sessions.SqliteSessionBackend(options.Database, ReadOnly) : null;
        if (sessions is not null)
        {
            _sessions = new Sessions.SessionEndpoints(sessions, options.MaxBodyBytes, ReadOnly);
            _sessions.Map(_app);
        }

        _app.MapDashboard(DashboardAssets.Embedded);
        // Unknown paths get a problem document too, not an empty 404.
        _app.MapFallback(context => Problems.Problem.NotFound(context, $"no endpoint {context.Request.Method} {context.Request.Path}; see docs/collector.md"));
    }
}
