using RagPlatform.Client;

namespace RagPlatform.Orchestrator.Tests.Platform;

/// <summary>One running platform shared by the tests of a class that leave its services alive.</summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("rag-orchestrator-").FullName;

    /// <summary>Where the services keep their state (the orchestrator's under orchestrator/).</summary>
    public string DataDirectory => _data;

    public RunningPlatform Platform { get; private set; } = null!;

    /// <summary>The gateway through the typed client, with the admin key.</summary>
    public RagPlatformClient Gateway { get; private set; } = null!;

    /// <summary>The gateway through plain HTTP with the admin key: status codes, headers and bodies as sent.</summary>
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Platform = await RunningPlatform.StartAsync(new PlatformOptions(_data));
        Gateway = Platform.CreateGatewayClient();
        Http = Platform.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }
}
