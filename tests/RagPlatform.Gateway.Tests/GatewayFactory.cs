using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RagPlatform.Gateway.Tests;

/// <summary>
/// The gateway in-process over a temporary data directory, pointed at an orchestrator address where nothing listens:
/// whatever reaches the orchestrator fails UNAVAILABLE (503), so every other answer is the gateway's own.
/// </summary>
public sealed class GatewayFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "rag_gateway_tests_admin_key_0123456789";
    private readonly string _data = Directory.CreateTempSubdirectory("rag-gateway-").FullName;
    private readonly Dictionary<string, string?> _settings;

    public GatewayFactory()
        : this([])
    {
    }

    internal GatewayFactory(params (string Key, string? Value)[] settings)
    {
        _settings = new Dictionary<string, string?>
        {
            ["Gateway:DataDirectory"] = _data,
            ["Gateway:BootstrapApiKey"] = AdminKey,
            ["Gateway:OrchestratorUrl"] = $"http://127.0.0.1:{UnusedPort()}",
        };
        foreach (var (key, value) in settings)
        {
            _settings[key] = value;
        }
    }

    public string DataDirectory => _data;

    public HttpClient Client(string? key = AdminKey)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_data))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_data, recursive: true);
        }
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
