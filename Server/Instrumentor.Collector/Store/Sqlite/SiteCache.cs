using System.Collections.Generic;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite;

/// <summary>
/// The <c>site</c> table in memory. It is small (one row per method and service) and only grows, so span queries read
/// <c>span</c> alone, in index order, and name the processes from here instead of joining.
/// </summary>
internal sealed class SiteCache
{
    private readonly object _gate = new();
    private Dictionary<long, SiteInfo> _sites = new();
    private long _maxId;

    /// <summary>Loads the sites added since the last call.</summary>
    public void Refresh(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT id, process, process_group, service FROM site WHERE id > $max ORDER BY id;";
        command.Parameters.AddWithValue("$max", _maxId);
        using SqliteDataReader reader = command.ExecuteReader();
        List<SiteInfo>? added = null;
        while (reader.Read())
        {
            (added ??= []).Add(new SiteInfo(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3)));
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
    public SiteInfo Get(SqliteConnection connection, long id)
    {
        if (_sites.TryGetValue(id, out SiteInfo? site))
        {
            return site;
        }

        Refresh(connection);
        return _sites.TryGetValue(id, out site) ? site : new SiteInfo(id, "<unknown site " + id + ">", null, null);
    }

    /// <summary>Every site (a snapshot).</summary>
    public IReadOnlyCollection<SiteInfo> All => _sites.Values;
}
