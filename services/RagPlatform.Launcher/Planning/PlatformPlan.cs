using System.Net;
using System.Net.Sockets;

namespace RagPlatform.Launcher;

/// <summary>One process as planned: its host, where it listens and the environment it starts with.</summary>
public sealed record ServiceLaunch(ServiceInstance Instance, string HostDll, int Port, IReadOnlyDictionary<string, string?> Environment)
{
    public string Url => $"http://127.0.0.1:{Port}";
}

/// <summary>
/// Every process of a platform, wired as they expect: the model services on their ports and models, the orchestrators
/// over the model services, the gateways over the orchestrators. Made once, so a process started again comes back
/// where its clients expect it.
/// </summary>
public sealed record PlatformPlan(IReadOnlyList<ServiceLaunch> Services)
{
    public ServiceLaunch this[ServiceInstance instance] => Services.FirstOrDefault(s => s.Instance == instance)
        ?? throw new ArgumentException($"The plan has no {instance}.", nameof(instance));

    /// <summary>The first gateway's address.</summary>
    public string GatewayUrl => this[PlatformService.Gateway].Url;

    public IEnumerable<ServiceLaunch> Of(PlatformService service) => Services.Where(s => s.Instance.Service == service);

    /// <exception cref="ArgumentException">The options are incomplete or inconsistent (the message says which).</exception>
    public static PlatformPlan Create(PlatformOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var instances = PlatformServices.All.SelectMany(s => Enumerable.Range(0, Replicas(options, s)).Select(r => new ServiceInstance(s, r))).ToList();
        var ports = instances.ToDictionary(i => i, i => options.Ports.TryGetValue(i, out var port) ? port : FreePort());
        string Url(ServiceInstance instance) => $"http://127.0.0.1:{ports[instance]}";

        var data = Path.GetFullPath(options.DataDirectory);
        var orchestrators = instances.Where(i => i.Service == PlatformService.Orchestrator).ToList();
        return new PlatformPlan([.. instances.Select(instance =>
        {
            var environment = new Dictionary<string, string?>
            {
                ["Grpc__SharedToken"] = options.SharedToken,
                // The launcher learns a port from Kestrel's "Now listening on" line.
                ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
                ["DOTNET_NOLOGO"] = "1",
                // The launching process's own URLs are not the services' business.
                ["ASPNETCORE_URLS"] = null,
            };
            var service = instance.Service;
            switch (service)
            {
                case PlatformService.Orchestrator:
                    environment["Grpc__Url"] = Url(instance);
                    environment["Orchestrator__DataDirectory"] = Path.Combine(data, instance.Name);
                    foreach (var downstream in PlatformServices.ModelServices)
                    {
                        environment[$"Downstream__{downstream.Project}__Url"] = Url(downstream);
                    }

                    break;
                case PlatformService.Gateway:
                    environment["Gateway__Url"] = Url(instance);
                    environment["Gateway__OrchestratorUrl"] = Url(orchestrators[instance.Replica % orchestrators.Count]);
                    environment["Gateway__DataDirectory"] = Path.Combine(data, instance.Name);
                    environment["Gateway__BootstrapApiKey"] = options.ApiKey;
                    break;
                default:
                    environment["Grpc__Url"] = Url(instance);
                    environment[$"{service.Project}__ModelDirectory"] = options.ModelDirectory(service);
                    break;
            }

            Overlay(environment, options.Settings.GetValueOrDefault(service));
            Overlay(environment, options.InstanceSettings.GetValueOrDefault(instance));
            return new ServiceLaunch(instance, options.HostDlls[service], ports[instance], environment);
        })]);
    }

    /// <summary>True when nothing listens on <paramref name="port"/> of the loopback interface.</summary>
    public static bool IsPortFree(int port)
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

    private static int Replicas(PlatformOptions options, PlatformService service) => service switch
    {
        PlatformService.Orchestrator => options.Orchestrators,
        PlatformService.Gateway => options.Gateways,
        _ => 1,
    };

    private static void Validate(PlatformOptions options)
    {
        var problems = new List<string>();
        problems.AddRange(PlatformServices.All.Where(s => !options.HostDlls.ContainsKey(s)).Select(s => $"no host for the {s.Name}"));
        problems.AddRange(PlatformServices.ModelServices
            .Where(s => !options.ModelDirectories.ContainsKey(s) && options.ModelsDirectory is null).Select(s => $"no model directory for the {s.Name}"));
        if (options.Orchestrators < 1 || options.Gateways < 1)
        {
            problems.Add($"at least one orchestrator and one gateway (asked for {options.Orchestrators} and {options.Gateways})");
        }

        var orchestrator = options.Settings.GetValueOrDefault(PlatformService.Orchestrator);
        if (options.Orchestrators > 1 && !(Is(orchestrator, "Orchestrator__Store", "Postgres") && Is(orchestrator, "Orchestrator__Index", "Qdrant")))
        {
            // The embedded queue and index are one replica's files: two orchestrators would each hold half the uploads.
            problems.Add("several orchestrators need shared state (Orchestrator__Store=Postgres and Orchestrator__Index=Qdrant in Settings)");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"The platform cannot be planned: {string.Join("; ", problems)}.", nameof(options));
        }
    }

    private static bool Is(IReadOnlyDictionary<string, string?>? settings, string key, string value) =>
        string.Equals(settings?.GetValueOrDefault(key), value, StringComparison.OrdinalIgnoreCase);

    private static void Overlay(Dictionary<string, string?> environment, IReadOnlyDictionary<string, string?>? values)
    {
        foreach (var (key, value) in values ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }
    }

    /// <summary>
    /// A free loopback port below the kernel's ephemeral range. A port picked by binding port 0 comes from that range,
    /// which is also where every outgoing connection's local port comes from: one of them could take it in the seconds
    /// before the service binds it. Below the range only a process binding that very port could.
    /// </summary>
    private static int FreePort()
    {
        var ephemeral = EphemeralRangeStart();
        for (var attempt = 0; attempt < 100 && ephemeral > 12_000; attempt++)
        {
            var port = Random.Shared.Next(ephemeral - 10_000, ephemeral);
            if (IsPortFree(port))
            {
                return port;
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first port of Linux's ip_local_port_range (32768 by default, and where it cannot be read).</summary>
    private static int EphemeralRangeStart()
    {
        try
        {
            return File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries) is [var low, ..]
                && int.TryParse(low, out var start) ? start : 32768;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 32768;
        }
    }
}
