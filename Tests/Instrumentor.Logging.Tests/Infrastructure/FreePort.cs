using System.Net;
using System.Net.Sockets;

namespace Instrumentor.Logging.Tests.Infrastructure;

internal static class FreePort
{
    /// <summary>A port nothing listens on right now (bound to port 0, then released).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
