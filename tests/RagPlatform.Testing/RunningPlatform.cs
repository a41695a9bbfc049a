using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace RagPlatform.Testing;

public enum PlatformService
{
    Embedder,
    Reranker,
    Generator,
    Orchestrator,
    Gateway,
}

/// <summary>How to start the whole platform for a test.</summary>
/// <param name="DataDirectory">Holds the orchestrator's index and queue and the gateway's keys; survives restarts.</param>
public sealed record PlatformOptions(string DataDirectory)
{
    /// <summary>The admin key the gateway is started with.</summary>
    public string ApiKey { get; init; } = "rag_test_admin_key_0123456789abcdef";

    /// <summary>When set, every internal gRPC service requires it (Grpc:SharedToken).</summary>
    public string? SharedToken { get; init; }

    /// <summary>Extra configuration per service, as environment variables (Section__Key); null removes one.</summary>
    public IReadOnlyDictionary<PlatformService, IReadOnlyDictionary<string, string?>> Settings { get; init; } =
        new Dictionary<PlatformService, IReadOnlyDictionary<string, string?>>();

    /// <summary>Directory holding minilm-embedder/, minilm-reranker/ and qwen2.5/; the tiny forged models by default.</summary>
    public string? ModelsDirectory { get; init; }
}

/// <summary>
/// The five services as REAL processes on loopback, wired together as `rag up` wires them: Embedder, Reranker and
/// Generator, the Orchestrator over them, the Gateway in front. Ports are chosen once, so a service killed and started
/// again comes back where its clients expect it (what a fault test needs).
/// </summary>
public sealed class RunningPlatform : IAsyncDisposable
{
    private readonly PlatformOptions _options;
    private readonly Dictionary<PlatformService, int> _ports;
    private readonly Dictionary<PlatformService, ServiceProcess> _running = [];

    private RunningPlatform(PlatformOptions options)
    {
        _options = options;
        _ports = Enum.GetValues<PlatformService>().ToDictionary(s => s, _ => FreePort());
    }

    public string GatewayUrl => $"http://127.0.0.1:{_ports[PlatformService.Gateway]}";

    public string ApiKey => _options.ApiKey;

    public ServiceProcess this[PlatformService service] => _running[service];

    public int Port(PlatformService service) => _ports[service];

    public static async Task<RunningPlatform> StartAsync(PlatformOptions options)
    {
        if (options.ModelsDirectory is null)
        {
            await TestAssets.EnsureTinyModelsAsync();
        }

        var platform = new RunningPlatform(options);
        try
        {
            await Task.WhenAll(
                platform.StartServiceAsync(PlatformService.Embedder),
                platform.StartServiceAsync(PlatformService.Reranker),
                platform.StartServiceAsync(PlatformService.Generator));
            await platform.StartServiceAsync(PlatformService.Orchestrator);
            await platform.StartServiceAsync(PlatformService.Gateway);
            return platform;
        }
        catch
        {
            await platform.DisposeAsync();
            throw;
        }
    }

    /// <summary>An HTTP client for the gateway with <paramref name="apiKey"/> (the admin key by default; "" for none).</summary>
    public HttpClient CreateClient(string? apiKey = null, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(GatewayUrl), Timeout = timeout ?? TimeSpan.FromSeconds(120) };
        if ((apiKey ?? ApiKey) is { Length: > 0 } key)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>Starts (or starts again) one service and waits until it is ready.</summary>
    public async Task StartServiceAsync(PlatformService service)
    {
        var process = await ServiceProcess.StartAsync(Options(service));
        lock (_running)
        {
            _running[service] = process;
        }
    }

    /// <summary>SIGKILLs one service and waits until it is gone.</summary>
    public async Task KillAsync(PlatformService service)
    {
        var process = _running[service];
        process.KillHard();
        await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _running.Values.Reverse())
        {
            await process.DisposeAsync();
        }
    }

    private ServiceProcessOptions Options(PlatformService service)
    {
        var models = _options.ModelsDirectory ?? TestAssets.TinyModels;
        var data = Path.GetFullPath(_options.DataDirectory);
        var grpcUrl = $"http://127.0.0.1:{_ports[service]}";
        var environment = new Dictionary<string, string?>
        {
            ["Grpc__Url"] = grpcUrl,
            ["Grpc__SharedToken"] = _options.SharedToken,
        };
        string dll;
        string health;
        switch (service)
        {
            case PlatformService.Embedder or PlatformService.Reranker or PlatformService.Generator:
                var name = service.ToString();
                dll = TestPaths.ServiceDll($"services/{name}", $"RagPlatform.{name}");
                health = $"rag.v1.{name}";
                environment[$"{name}__ModelDirectory"] = Path.Combine(models, service switch
                {
                    PlatformService.Embedder => "minilm-embedder",
                    PlatformService.Reranker => "minilm-reranker",
                    _ => "qwen2.5",
                });
                environment[$"{name}__IntraOpThreads"] = "1";
                break;
            case PlatformService.Orchestrator:
                dll = TestPaths.ServiceDll("services/Orchestrator", "RagPlatform.Orchestrator");
                health = "rag.v1.Answers";
                environment["Orchestrator__DataDirectory"] = Path.Combine(data, "orchestrator");
                foreach (var downstream in new[] { PlatformService.Embedder, PlatformService.Reranker, PlatformService.Generator })
                {
                    environment[$"Downstream__{downstream}__Url"] = $"http://127.0.0.1:{_ports[downstream]}";
                }

                break;
            default:
                dll = TestPaths.ServiceDll("services/Gateway", "RagPlatform.Gateway");
                health = "";
                environment["Gateway__Url"] = $"http://127.0.0.1:{_ports[service]}";
                environment["Gateway__OrchestratorUrl"] = $"http://127.0.0.1:{_ports[PlatformService.Orchestrator]}";
                environment["Gateway__DataDirectory"] = Path.Combine(data, "gateway");
                environment["Gateway__BootstrapApiKey"] = _options.ApiKey;
                break;
        }

        if (_options.Settings.TryGetValue(service, out var extra))
        {
            foreach (var (key, value) in extra)
            {
                environment[key] = value;
            }
        }

        return new ServiceProcessOptions(dll, health)
        {
            Environment = environment,
            HttpReadyPath = service == PlatformService.Gateway ? "/readyz" : null,
        };
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
