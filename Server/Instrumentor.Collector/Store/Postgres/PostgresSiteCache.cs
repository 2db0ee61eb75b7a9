using System.Collections.Generic;
using Instrumentor.Collector.Store.Sqlite;
using Npgsql;

namespace Instrumentor.Collector.Store.Postgres;

/// <summary>
/// The <c>site</c> table in memory, as the SQLite store keeps it: small, only growing, so span queries read <c>span</c>
/// alone in index order and name the processes from here. Sites another collector added are loaded on first sight.
/// </summary>
internal sealed class PostgresSiteCache
{
    private readonly object _gate = new();
    private Dictionary<long, SiteInfo> _sites = new();
    private long _maxId;

    /// <summary>Loads the sites added since the last call.</summary>
    public void Refresh(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand("SELECT id, process, process_group, service, source_file, source_line, signature FROM site WHERE id > @max ORDER BY id;", connection);
        command.Parameters.AddWithValue("max", _maxId);
        List<SiteInfo>? added = null;
        using (NpgsqlDataReader reader = command.ExecuteReader())
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
    public SiteInfo Get(NpgsqlConnection connection, long id)
    {
        if (_sites.TryGetValue(id, out SiteInfo? site))
        {
            return site;
        }

        Refresh(connection);
        return _sites.TryGetValue(id, out site) ? site : new SiteInfo(id, "<unknown site " + id + ">", null, null, null, null, null);
    }

    /// <summary>Every site (a snapshot).</summary>
    public IReadOnlyCollection<SiteInfo> All => _sites.Values;

    private static string? Text(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
}
