using System.Net;
using System.Net.Sockets;
using RagPlatform.Cli.CommandLine;

namespace RagPlatform.Cli.Platform;

/// <summary>Where each service listens: the gateway on its port, the four gRPC services on theirs.</summary>
internal sealed record PortAssignment(IReadOnlyDictionary<string, int> Ports)
{
    public int this[PlatformService service] => Ports[service.Name];

    public string Url(PlatformService service) => $"http://127.0.0.1:{this[service]}";

    /// <summary>
    /// The gateway on <paramref name="gatewayPort"/>; the gRPC services on <paramref name="grpcBase"/>..+3 in catalogue
    /// order, or on free ports when it is 0. Every fixed port is checked free first, so a clash is reported before
    /// anything starts.
    /// </summary>
    /// <exception cref="CliException">A port is in use.</exception>
    public static PortAssignment Choose(int gatewayPort, int grpcBase)
    {
        var ports = new Dictionary<string, int>();
        var grpcServices = PlatformService.All.Where(s => !s.IsGateway).ToList();
        for (var i = 0; i < grpcServices.Count; i++)
        {
            ports[grpcServices[i].Name] = grpcBase == 0 ? FreePort() : grpcBase + i;
        }

        ports[PlatformService.Gateway.Name] = gatewayPort == 0 ? FreePort() : gatewayPort;
        foreach (var (name, port) in ports)
        {
            if (!IsFree(port))
            {
                throw CliException.Failed($"Port {port} (for the {name}) is in use.",
                    "Another platform may be running (`rag status`); or choose other ports with --port and --grpc-port-base (0 picks free ones).");
            }
        }

        return new PortAssignment(ports);
    }

    private static bool IsFree(int port)
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Everything `rag up` decided before starting anything.</summary>
internal sealed record PlatformPlan(
    RagHome Home,
    IReadOnlyDictionary<string, string> HostDlls,
    string ModelsDirectory,
    IReadOnlyDictionary<string, string> ModelDirectories,
    string DataDirectory,
    PortAssignment Ports,
    string ApiKey,
    string? GrpcToken)
{
    public string GatewayUrl => Ports.Url(PlatformService.Gateway);

    /// <summary>The launch of one service, configured the way tests/RagPlatform.Testing/RunningPlatform.cs wires them.</summary>
    public ServiceLaunch Launch(PlatformService service)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Grpc__SharedToken"] = GrpcToken,
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            ["DOTNET_NOLOGO"] = "1",
            // rag's own settings are not the services' business.
            ["ASPNETCORE_URLS"] = null,
        };
        if (service.ModelFolder is { } folder)
        {
            environment["Grpc__Url"] = Ports.Url(service);
            environment[$"{service.Project}__ModelDirectory"] = ModelDirectories.GetValueOrDefault(service.Name) ?? Path.Combine(ModelsDirectory, folder);
        }
        else if (service == PlatformService.Orchestrator)
        {
            environment["Grpc__Url"] = Ports.Url(service);
            environment["Orchestrator__DataDirectory"] = Path.Combine(DataDirectory, "orchestrator");
            foreach (var downstream in PlatformService.ModelServices)
            {
                environment[$"Downstream__{downstream.Project}__Url"] = Ports.Url(downstream);
            }
        }
        else
        {
            environment["Gateway__Url"] = Ports.Url(service);
            environment["Gateway__OrchestratorUrl"] = Ports.Url(PlatformService.Orchestrator);
            environment["Gateway__DataDirectory"] = Path.Combine(DataDirectory, "gateway");
            environment["Gateway__BootstrapApiKey"] = ApiKey;
        }

        return new ServiceLaunch(service, HostDlls[service.Name], Ports[service], Home.LogFile(service.Name), environment);
    }

    public PlatformRecord Record(IReadOnlyDictionary<string, int> pids) => new(GatewayUrl, ModelsDirectory, DataDirectory, DateTimeOffset.Now,
        [.. PlatformService.All.Where(s => pids.ContainsKey(s.Name))
            .Select(s => new ServiceRecord(s.Name, pids[s.Name], Ports[s], Ports.Url(s), HostDlls[s.Name]))]);
}
