using RagPlatform.Cli.Tests.Infrastructure;
using RagPlatform.Launcher;

namespace RagPlatform.Cli.Tests.Launcher;

/// <summary>How the launcher wires the platform's processes together, one replica or several.</summary>
[Trait("Category", "Unit")]
public sealed class PlatformPlanTests
{
    private static readonly IReadOnlyDictionary<PlatformService, string> Hosts =
        PlatformServices.All.ToDictionary(s => s, s => $"/b/{s.Project}/{s.HostDllName}");

    [Fact]
    public void Create_WiresEachServiceToThePortsOfThoseItCalls()
    {
        var ports = PlatformServices.All.ToDictionary(s => (ServiceInstance)s, s => 1001 + (int)s);
        var plan = PlatformPlan.Create(new PlatformOptions("/data")
        {
            HostDlls = Hosts,
            ModelsDirectory = "/models",
            Ports = ports,
            ApiKey = "rag_admin",
            SharedToken = "token-0123456789abcdef",
        });

        var embedder = plan[PlatformService.Embedder].Environment;
        var orchestrator = plan[PlatformService.Orchestrator].Environment;
        var gateway = plan[PlatformService.Gateway].Environment;
        Assert.Equal("http://127.0.0.1:1001", embedder["Grpc__Url"]);
        Assert.Equal("/models/minilm-embedder", embedder["Embedder__ModelDirectory"]);
        Assert.Equal("http://127.0.0.1:1003", orchestrator["Downstream__Generator__Url"]);
        Assert.Equal("/data/orchestrator", orchestrator["Orchestrator__DataDirectory"]);
        Assert.Equal("http://127.0.0.1:1005", gateway["Gateway__Url"]);
        Assert.Equal("http://127.0.0.1:1004", gateway["Gateway__OrchestratorUrl"]);
        Assert.Equal("rag_admin", gateway["Gateway__BootstrapApiKey"]);
        Assert.All(plan.Services, s => Assert.Equal("token-0123456789abcdef", s.Environment["Grpc__SharedToken"]));
        Assert.Equal("/b/Gateway/RagPlatform.Gateway.dll", plan[PlatformService.Gateway].HostDll);
    }

    [Fact]
    public void Create_SeveralReplicas_EachItsOwnPortDataAndOrchestrator_SettingsOnEveryOne()
    {
        var plan = PlatformPlan.Create(new PlatformOptions("/data")
        {
            HostDlls = Hosts,
            ModelsDirectory = "/models",
            ModelDirectories = new Dictionary<PlatformService, string> { [PlatformService.Embedder] = "/real/minilm-embedder" },
            Orchestrators = 2,
            Gateways = 2,
            Settings = new Dictionary<PlatformService, IReadOnlyDictionary<string, string?>>
            {
                [PlatformService.Orchestrator] = new Dictionary<string, string?>
                {
                    ["Orchestrator__Store"] = "Postgres",
                    ["Orchestrator__Index"] = "Qdrant",
                    ["Orchestrator__QueueLeaseDuration"] = "00:00:02",
                },
            },
            InstanceSettings = new Dictionary<ServiceInstance, IReadOnlyDictionary<string, string?>>
            {
                [new ServiceInstance(PlatformService.Gateway, 1)] = new Dictionary<string, string?> { ["Gateway__RequestsPerSecond"] = "5" },
            },
        });

        var orchestrators = plan.Of(PlatformService.Orchestrator).ToList();
        var gateways = plan.Of(PlatformService.Gateway).ToList();
        Assert.Equal(["orchestrator", "orchestrator-2"], orchestrators.Select(o => o.Instance.Name));
        Assert.Equal(["/data/orchestrator", "/data/orchestrator-2"], orchestrators.Select(o => o.Environment["Orchestrator__DataDirectory"]));
        Assert.All(orchestrators, o => Assert.Equal("00:00:02", o.Environment["Orchestrator__QueueLeaseDuration"]));
        Assert.Equal(["/data/gateway", "/data/gateway-2"], gateways.Select(g => g.Environment["Gateway__DataDirectory"]));
        Assert.Equal(orchestrators.Select(o => o.Url), gateways.Select(g => g.Environment["Gateway__OrchestratorUrl"]));
        Assert.Equal("5", gateways[1].Environment["Gateway__RequestsPerSecond"]);
        Assert.False(gateways[0].Environment.ContainsKey("Gateway__RequestsPerSecond"));
        Assert.Equal(plan.Services.Count, plan.Services.Select(s => s.Port).Distinct().Count());
        Assert.Equal("/real/minilm-embedder", plan[PlatformService.Embedder].Environment["Embedder__ModelDirectory"]);
        Assert.Equal("/models/qwen2.5", plan[PlatformService.Generator].Environment["Generator__ModelDirectory"]);
    }

    [Fact]
    public void Create_TwoOrchestratorsWithoutASharedStore_IsRefused()
    {
        var failure = Assert.Throws<ArgumentException>(() => PlatformPlan.Create(new PlatformOptions("/data") { HostDlls = Hosts, ModelsDirectory = "/m", Orchestrators = 2 }));

        Assert.Contains("Orchestrator__Store=Postgres", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gateway", PlatformService.Gateway, 0)]
    [InlineData("orchestrator-2", PlatformService.Orchestrator, 1)]
    [InlineData("gateway-3", PlatformService.Gateway, 2)]
    public void InstanceName_ParsesBack(string name, PlatformService service, int replica)
    {
        var instance = new ServiceInstance(service, replica);

        Assert.Equal(name, instance.Name);
        Assert.Equal(instance, ServiceInstance.Parse(name));
    }

    [Fact]
    public async Task Up_BusyPort_IsRefusedBeforeAnythingStarts()
    {
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
        var updates = new List<ServiceUpdate>();
        await using var launcher = new PlatformLauncher(
            PlatformPlan.Create(new PlatformOptions("/data") { HostDlls = Hosts, ModelsDirectory = "/m", Ports = new Dictionary<ServiceInstance, int> { [PlatformService.Gateway] = port } }),
            new LaunchSettings { Progress = new Collect(updates) });

        var failure = await Assert.ThrowsAsync<PlatformLaunchException>(() => launcher.UpAsync(TimeSpan.FromSeconds(10), CancellationToken.None));

        Assert.Contains($"Port {port} (for the gateway) is in use", failure.Message, StringComparison.Ordinal);
        Assert.Empty(updates);
    }

    [Fact]
    public void DetachedLogTail_ShowsOnlyTheLatestStart()
    {
        using var temp = new TemporaryDirectory();
        var log = temp.File("generator.log", $"{DetachedProcess.StartMarker}generator at t1 ===\nold failure\n\n{DetachedProcess.StartMarker}generator at t2 ===\nline 1\nline 2\nline 3\n");

        Assert.Equal(["line 1", "line 2", "line 3"], DetachedProcess.ReadLogTail(log, 10));
        Assert.Equal(["line 3"], DetachedProcess.ReadLogTail(log, 1));
        Assert.Empty(DetachedProcess.ReadLogTail(Path.Combine(temp.Path, "missing.log"), 10));
    }

    private sealed class Collect(List<ServiceUpdate> updates) : IProgress<ServiceUpdate>
    {
        public void Report(ServiceUpdate value) => updates.Add(value);
    }
}
