using System.Net;
using System.Net.Sockets;

namespace RagPlatform.Testing;

public static class LoopbackPorts
{
    /// <summary>
    /// A free loopback port, known before anything starts: a proxy put in front of a service must reach it from the first
    /// call made to it (an orchestrator asks every model service's Info as it starts), not only once the platform is up.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
