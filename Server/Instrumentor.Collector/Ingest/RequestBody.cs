using System;
using System.IO;
using System.IO.Compression;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Instrumentor.Collector.Ingest;

/// <summary>
/// Reads a request body whole, within a size limit (checked on the bytes after gzip, so a small compressed body cannot
/// unpack into gigabytes). <c>Content-Encoding: gzip</c> is accepted; any other encoding is refused.
/// </summary>
internal static class RequestBody
{
    internal enum Outcome
    {
        Ok,
        TooLarge,
        BadEncoding,
        BadGzip,
    }

    public static async Task<(Outcome Outcome, ReadOnlyMemory<byte> Body)> ReadAsync(HttpContext context, long limit)
    {
        HttpRequest request = context.Request;
        string? encoding = request.Headers.ContentEncoding;
        bool gzip = false;
        if (!string.IsNullOrEmpty(encoding))
        {
            if (string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase))
            {
                gzip = true;
            }
            else if (!string.Equals(encoding, "identity", StringComparison.OrdinalIgnoreCase))
            {
                return (Outcome.BadEncoding, default);
            }
        }

        if (!gzip && request.ContentLength > limit)
        {
            return (Outcome.TooLarge, default);
        }

        var buffer = new MemoryStream(request.ContentLength is > 0 and var n && n <= limit ? (int)n : 4096);
        try
        {
            if (gzip)
            {
                await using var unzip = new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true);
                if (!await CopyAsync(unzip, buffer, limit, context).ConfigureAwait(false))
                {
                    return (Outcome.TooLarge, default);
                }
            }
            else if (!await CopyAsync(request.Body, buffer, limit, context).ConfigureAwait(false))
            {
                return (Outcome.TooLarge, default);
            }
        }
        catch (InvalidDataException)
        {
            // Read what is left (within the limit) so the client hears the 400 instead of a reset connection.
            await CopyAsync(request.Body, Stream.Null, limit, context).ConfigureAwait(false);
            return (Outcome.BadGzip, default);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (Outcome.TooLarge, default);
        }

        return (Outcome.Ok, buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    private static async Task<bool> CopyAsync(Stream source, Stream target, long limit, HttpContext context)
    {
        byte[] chunk = new byte[16 * 1024];
        long copied = 0;
        while (true)
        {
            int read = await source.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                return true;
            }

            copied += read;
            if (copied > limit)
            {
                return false;
            }

            target.Write(chunk, 0, read);
        }
    }
}
