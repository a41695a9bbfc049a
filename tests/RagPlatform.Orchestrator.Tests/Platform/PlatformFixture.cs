namespace RagPlatform.Orchestrator.Tests.Platform;

/// <summary>One running platform shared by the tests of a class that leave its services alive.</summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("rag-orchestrator-").FullName;

    /// <summary>Where the services keep their state (the orchestrator's under orchestrator/).</summary>
    public string DataDirectory => _data;

    public RunningPlatform Platform { get; private set; } = null!;

    public GatewayClient Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Platform = await RunningPlatform.StartAsync(new PlatformOptions(_data));
        Gateway = new GatewayClient(Platform.CreateClient());
    }

    public async Task DisposeAsync()
    {
        Gateway?.Http.Dispose();
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }
}
