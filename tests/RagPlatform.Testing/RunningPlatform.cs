using System.Net.Http.Headers;
using RagPlatform.Client;
using RagPlatform.Launcher;

namespace RagPlatform.Testing;

/// <summary>
/// The platform as REAL processes on loopback, for a test: RagPlatform.Launcher's plan and launcher (as `rag up` uses
/// them) with the tests' defaults: hosts built in the tests' configuration, the tiny forged models, one ONNX Runtime
/// thread per model service, a known admin key. Ports are chosen once, so a service killed and started again comes
/// back where its clients expect it (what a fault test needs).
/// </summary>
public sealed class RunningPlatform : IAsyncDisposable
{
    /// <summary>The admin key the gateways start with unless the options name another.</summary>
    public const string TestApiKey = "rag_test_admin_key_0123456789abcdef";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly List<HttpClient> _clients = [];

    private RunningPlatform(PlatformLauncher launcher, string apiKey)
    {
        Launcher = launcher;
        ApiKey = apiKey;
    }

    public PlatformLauncher Launcher { get; }

    public PlatformPlan Plan => Launcher.Plan;

    /// <summary>The first gateway.</summary>
    public string GatewayUrl => Plan.GatewayUrl;

    public string ApiKey { get; }

    /// <summary>The running process of one instance (<c>platform[PlatformService.Orchestrator]</c> is the first orchestrator).</summary>
    public ServiceProcess this[ServiceInstance instance] => (ServiceProcess)(Launcher[instance] ?? throw new InvalidOperationException($"The {instance} was never started."));

    public int Port(ServiceInstance instance) => Plan[instance].Port;

    public string Url(ServiceInstance instance) => Plan[instance].Url;

    public static async Task<RunningPlatform> StartAsync(PlatformOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ModelsDirectory is null)
        {
            await TestAssets.EnsureTinyModelsAsync();
        }

        var launcher = new PlatformLauncher(PlatformPlan.Create(WithTestDefaults(options)));
        try
        {
            await launcher.UpAsync(StartTimeout, CancellationToken.None);
            return new RunningPlatform(launcher, options.ApiKey ?? TestApiKey);
        }
        catch
        {
            await launcher.DisposeAsync();
            throw;
        }
    }

    /// <summary>An HTTP client for a gateway with <paramref name="apiKey"/> (the admin key by default; "" for none).</summary>
    public HttpClient CreateClient(string? apiKey = null, TimeSpan? timeout = null, int gateway = 0)
    {
        var client = new HttpClient
        {
            BaseAddress = new Uri(Url(new ServiceInstance(PlatformService.Gateway, gateway))),
            Timeout = timeout ?? TimeSpan.FromSeconds(120),
        };
        if ((apiKey ?? ApiKey) is { Length: > 0 } key)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>The typed gateway client with <paramref name="apiKey"/> (the admin key by default); released with the platform.</summary>
    /// <param name="rateLimitRetries">429s waited out before one is thrown; 0 where a test counts them.</param>
    public RagPlatformClient CreateGatewayClient(string? apiKey = null, int gateway = 0, TimeSpan? timeout = null, int rateLimitRetries = 10)
    {
        var http = CreateClient("", timeout, gateway);
        lock (_clients)
        {
            _clients.Add(http);
        }

        return new RagPlatformClient(http, new RagPlatformClientOptions { ApiKey = apiKey ?? ApiKey, RateLimitRetries = rateLimitRetries });
    }

    /// <summary>Starts (or starts again) one instance and waits until it is ready.</summary>
    public Task StartServiceAsync(ServiceInstance instance) => Launcher.StartAsync(instance);

    /// <summary>SIGKILLs one instance and waits until it is gone.</summary>
    public Task KillAsync(ServiceInstance instance) => Launcher.KillAsync(instance);

    public async ValueTask DisposeAsync()
    {
        lock (_clients)
        {
            _clients.ForEach(c => c.Dispose());
        }

        await Launcher.DisposeAsync();
    }

    private static PlatformOptions WithTestDefaults(PlatformOptions options)
    {
        var settings = PlatformServices.All.ToDictionary(s => s, s =>
        {
            var values = s.ModelFolder is null ? [] : new Dictionary<string, string?> { [$"{s.Project}__IntraOpThreads"] = "1" };
            foreach (var (key, value) in options.Settings.GetValueOrDefault(s) ?? new Dictionary<string, string?>())
            {
                values[key] = value;
            }

            return (IReadOnlyDictionary<string, string?>)values;
        });
        return options with
        {
            HostDlls = options.HostDlls.Count > 0 ? options.HostDlls
                : PlatformServices.All.ToDictionary(s => s, s => ServiceHosts.InRepository(TestPaths.RepoRoot, TestPaths.Configuration, s)),
            ModelsDirectory = options.ModelsDirectory ?? TestAssets.TinyModels,
            ApiKey = options.ApiKey ?? TestApiKey,
            Settings = settings,
        };
    }
}
