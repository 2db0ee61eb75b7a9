using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace Instrumentor.IntegrationTests.Activities;

/// <summary>
/// A one-request HTTP server on a free 127.0.0.1 port that keeps the <c>traceparent</c> header it received and
/// answers 200 "ok".
/// </summary>
internal sealed class TraceparentServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task<string?> _received;

    public TraceparentServer()
    {
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/stock");
        _received = ServeOneAsync();
    }

    public Uri Url { get; }

    /// <summary>The <c>traceparent</c> header of the request (null when it had none).</summary>
    public Task<string?> Traceparent => _received;

    private async Task<string?> ServeOneAsync()
    {
        using TcpClient client = await _listener.AcceptTcpClientAsync();
        using NetworkStream stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        string? traceparent = null;
        while (await reader.ReadLineAsync() is { Length: > 0 } line)
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim().Equals("traceparent", StringComparison.OrdinalIgnoreCase))
            {
                traceparent = line[(colon + 1)..].Trim();
            }
        }

        byte[] response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        await stream.WriteAsync(response);
        return traceparent;
    }

    public void Dispose() => _listener.Stop();
}
