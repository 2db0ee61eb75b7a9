using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.Linq;

namespace Instrumentor.Collector.Store;

/// <summary>
/// The <c>site</c> table in memory, for either store (SQLite or PostgreSQL: the same table and columns). It is small
/// (one row per method and service) and only grows, so span queries read <c>span</c> alone, in index order, and name
/// the processes from here instead of joining. Sites another writer added are loaded on first sight.
/// </summary>
internal sealed class SiteCache
{
    private readonly object _gate = new();
    private Dictionary<long, SiteInfo> _sites = new();
    private long _maxId;

    /// <summary>Loads the sites added since the last call.</summary>
    public void Refresh(DbConnection connection)
    {
        using DbCommand command = connection.CreateCommand();
        command.CommandText = "SELECT id, process, process_group, service, source_file, source_line, signature FROM site WHERE id > @max ORDER BY id;";
        DbParameter max = command.CreateParameter();
        max.ParameterName = "@max";
        max.Value = _maxId;
        command.Parameters.Add(max);
        List<SiteInfo>? added = null;
        using (DbDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                (added ??= []).Add(new SiteInfo(reader.GetInt64(0), reader.GetString(1), Text(reader, 2), Text(reader, 3), Text(reader, 4),
                    reader.IsDBNull(5) ? null : reader.GetInt32(5), Text(reader, 6)));
            }
        }

        if (added is null)
        {
            return;
        }

        lock (_gate)
        {
            var copy = new Dictionary<long, SiteInfo>(_sites);
            foreach (SiteInfo site in added)
            {
                copy[site.Id] = site;
                _maxId = System.Math.Max(_maxId, site.Id);
            }

            _sites = copy;
        }
    }

    /// <summary>The site with <paramref name="id"/>, refreshing once if it is new.</summary>
    public SiteInfo Get(DbConnection connection, long id)
    {
        if (_sites.TryGetValue(id, out SiteInfo? site))
        {
            return site;
        }

        Refresh(connection);
        return _sites.TryGetValue(id, out site) ? site : new SiteInfo(id, "<unknown site " + id + ">", null, null, null, null, null);
    }

    /// <summary>Reloads everything (a site's source location is filled in after its first spans).</summary>
    public void Reload(DbConnection connection)
    {
        lock (_gate)
        {
            _maxId = 0;
        }

        Refresh(connection);
    }

    /// <summary>The ids of the sites of <paramref name="process"/> and/or <paramref name="service"/>, in order; null for no filter.</summary>
    public List<long>? Matching(string? process, string? service)
    {
        if (process is null && service is null)
        {
            return null;
        }

        return All
            .Where(s => (process is null || s.Process == process) && (service is null || s.Service == service))
            .Select(s => s.Id).Order().ToList();
    }

    /// <summary>The ids of the sites whose process name contains <paramref name="text"/> (any case), in order.</summary>
    public List<long> MatchingLike(string text) =>
        All.Where(s => s.Process.Contains(text, StringComparison.OrdinalIgnoreCase)).Select(s => s.Id).Order().ToList();

    /// <summary>The SQL condition on <c>s.site_id</c> for <see cref="Matching"/>'s answer (empty for no filter).</summary>
    public static string Condition(List<long>? siteIds) => siteIds switch
    {
        null => "",
        [long one] => " AND s.site_id = " + one.ToString(CultureInfo.InvariantCulture),
        _ => " AND s.site_id IN (" + string.Join(',', siteIds) + ")",
    };

    private static string? Text(DbDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    /// <summary>Every site (a snapshot).</summary>
    public IReadOnlyCollection<SiteInfo> All => _sites.Values;
}
