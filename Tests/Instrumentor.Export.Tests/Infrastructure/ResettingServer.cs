using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Export.Tests.Infrastructure;

/// <summary>
/// A raw TCP server on 127.0.0.1 that reads each HTTP/1.1 request and, for the first <c>resets</c> connections, aborts
/// the connection with a TCP reset (linger 0) instead of answering; later requests get a 200. What the exporter sees
/// is a real "connection reset by peer", which no HTTP-level fake can produce.
/// </summary>
internal sealed class ResettingServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _resets;
    private int _connections;

    public ResettingServer(int resets)
    {
        _resets = resets;
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Every request body received, reset or answered, in arrival order.</summary>
    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>How many connections were reset.</summary>
    public int ResetCount => Math.Min(Volatile.Read(ref _connections), _resets);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(socket, Interlocked.Increment(ref _connections) <= _resets));
        }
    }

    private async Task ServeAsync(Socket socket, bool reset)
    {
        using (socket)
        {
            try
            {
                using var stream = new NetworkStream(socket, ownsSocket: false);
                while (await ReadRequestAsync(stream) is { } body)
                {
                    Requests.Enqueue(new FakeRequest("/v1/uploads", body, null));
                    if (reset)
                    {
                        socket.LingerState = new LingerOption(true, 0);
                        socket.Close();
                        return;
                    }

                    byte[] json = Encoding.UTF8.GetBytes("{\"accepted\":1,\"duplicates\":0}");
                    byte[] head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {json.Length}\r\n\r\n");
                    await stream.WriteAsync(head);
                    await stream.WriteAsync(json);
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested || reset)
            {
            }
            catch (IOException)
            {
                // The client went away.
            }
        }
    }

    /// <summary>Reads one request (headers, then Content-Length bytes); null at the end of the connection.</summary>
    private static async Task<string?> ReadRequestAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            head.Append((char)one[0]);
        }

        int length = 0;
        foreach (string line in head.ToString().Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        return Encoding.UTF8.GetString(body);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
