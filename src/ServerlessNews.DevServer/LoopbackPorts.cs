using System.Net;
using System.Net.Sockets;

namespace ServerlessNews.DevServer;

/// <summary>Ports on 127.0.0.1 for the local servers (Azurite, and Kestrel in the tests).</summary>
internal static class LoopbackPorts
{
    /// <summary>A port free now: the system's pick, released for the caller to bind (someone else may first).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
