using System;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Sessions.Json;
using Instrumentor.Sessions.Query;

namespace Instrumentor.Sessions;

/// <summary>
/// Writes stored sessions as JSON Lines: one session a line, oldest first, with its columns and its
/// <c>timesteps</c>, <c>events</c> and <c>messages</c> (field names = column names; metadata as JSON objects,
/// embeddings as arrays of numbers). <see cref="SessionImport.FromJsonLinesAsync"/> reads it back.
/// </summary>
public static class SessionExport
{
    /// <summary>Exports every session of the store at <paramref name="databasePath"/> into <paramref name="outputPath"/> (replaced); returns how many.</summary>
    public static async Task<int> ToJsonLinesAsync(string databasePath, string outputPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        using SessionStore store = SessionStore.Open(databasePath);
        await using var file = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        int count = 0;
        byte[] newline = "\n"u8.ToArray();
        foreach (string id in store.AllSessionIds())
        {
            cancellationToken.ThrowIfCancellationRequested();
            StoredSession? session = store.Read(id);
            if (session is null)
            {
                continue;
            }

            using (var writer = new Utf8JsonWriter(file))
            {
                SessionJson.WriteSessionLine(writer, session.Row, (int)session.Summary.NumTimesteps, (int)session.Summary.NumEvents,
                    (int)session.Summary.NumMessages, session.Timesteps, session.Events, session.Messages);
            }

            await file.WriteAsync(newline, cancellationToken).ConfigureAwait(false);
            count++;
        }

        return count;
    }
}
