using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Sessions.Json;
using Instrumentor.Sessions.Storage;

namespace Instrumentor.Sessions;

/// <summary>
/// Loads sessions exported as JSON Lines (the shape <see cref="SessionExport"/> writes). Idempotent on the session id:
/// importing a file twice stores nothing the second time. A bad line is reported with its line number and skipped;
/// the other lines are imported.
/// </summary>
public static class SessionImport
{
    /// <summary>Sessions committed per transaction.</summary>
    private const int SessionsPerBatch = 200;

    /// <summary>Imports <paramref name="path"/> into <paramref name="into"/>, or into the default store (<c>INSTRUMENTOR_DB</c> or <c>./traces.db</c>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static async Task<SessionImportResult> FromJsonLinesAsync(string path, SessionTracer? into = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("no sessions file at " + Path.GetFullPath(path), path);
        }

        SessionTracer tracer = into ?? new SessionTracer();
        try
        {
            var errors = new List<SessionImportError>();
            int imported = 0, duplicates = 0, lineNumber = 0, inBatch = 0;
            var batch = new SessionBatch();
            using var reader = new StreamReader(path);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is string line)
            {
                lineNumber++;
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                try
                {
                    using JsonDocument document = JsonDocument.Parse(line);
                    batch.AddRange(SessionJson.ReadSessionLine(document.RootElement));
                    inBatch++;
                }
                catch (JsonException ex)
                {
                    errors.Add(new SessionImportError(lineNumber, "not JSON: " + ex.Message));
                    continue;
                }
                catch (SessionJsonException ex)
                {
                    errors.Add(new SessionImportError(lineNumber, ex.Message));
                    continue;
                }

                if (inBatch >= SessionsPerBatch)
                {
                    BatchInsertResult result = await tracer.WriteRowsAsync(batch).ConfigureAwait(false);
                    (imported, duplicates) = (imported + result.Inserted, duplicates + result.Duplicates);
                    batch = new SessionBatch();
                    inBatch = 0;
                }
            }

            if (inBatch > 0)
            {
                BatchInsertResult result = await tracer.WriteRowsAsync(batch).ConfigureAwait(false);
                (imported, duplicates) = (imported + result.Inserted, duplicates + result.Duplicates);
            }

            return new SessionImportResult(imported, duplicates, errors);
        }
        finally
        {
            if (into is null)
            {
                await tracer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
