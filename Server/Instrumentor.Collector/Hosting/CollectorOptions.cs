using System;
using System.Collections.Generic;

namespace Instrumentor.Collector.Hosting;

/// <summary>Everything <c>instrumentor serve</c> can be told (docs/collector.md, "Options").</summary>
internal sealed record CollectorOptions
{
    public const string DefaultDatabase = "traces.db";
    public const string DefaultUrls = "http://127.0.0.1:4318";
    public const long DefaultMaxBodyBytes = 4 * 1024 * 1024;
    public const int DefaultWriterCapacity = 256;

    /// <summary>The SQLite store (created if missing).</summary>
    public string Database { get; init; } = DefaultDatabase;

    /// <summary>
    /// A PostgreSQL connection string (<c>--postgres</c>): the store is that database instead of <see cref="Database"/>,
    /// and several collectors may share it (docs/scaling-out.md). Null: the SQLite file.
    /// </summary>
    public string? Postgres { get; init; }

    /// <summary>Where Kestrel listens (semicolon-separated); port 0 picks a free port.</summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary>Keys accepted as <c>Authorization: Bearer KEY</c> on ingest; none means loopback only and no key.</summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>The key the query API requires, when set.</summary>
    public string? ReadKey { get; init; }

    /// <summary>Spans older than this are deleted (<see cref="TimeSpan.Zero"/> keeps them forever).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(6);

    /// <summary>The store is kept under this many bytes by deleting the oldest spans (null: no limit).</summary>
    public long? MaxSizeBytes { get; init; }

    /// <summary>Where and how often <c>VACUUM INTO</c> archives are written (null: no archives).</summary>
    public Archive.ArchivePolicy? Archive { get; init; }

    /// <summary>How often retention runs.</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the per-minute stats rollups fold the new spans (docs/collector.md); <see cref="TimeSpan.Zero"/> turns
    /// the background fold off (stats are then computed from the spans).
    /// </summary>
    public TimeSpan RollupInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bodies larger than this (after gzip) get 413.</summary>
    public long MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <summary>The alert rules read from <c>--alerts FILE</c> (null: no alerts).</summary>
    public Alerts.Config.AlertConfig? Alerts { get; init; }

    /// <summary>Where the alerts' <c>log</c> action and reports write their JSON lines (serve's output).</summary>
    public System.IO.TextWriter? AlertOutput { get; init; }

    /// <summary>How webhooks are retried (tests shorten the delays).</summary>
    public Alerts.Actions.WebhookOptions Webhooks { get; init; } = new();

    /// <summary>Requests that may wait for the writer; beyond it ingest answers 503 with Retry-After.</summary>
    public int WriterCapacity { get; init; } = DefaultWriterCapacity;
}
