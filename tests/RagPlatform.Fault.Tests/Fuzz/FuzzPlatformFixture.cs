using System.Net;

namespace RagPlatform.Fault.Tests.Fuzz;

/// <summary>One platform for the fuzz suites, with a collection holding one document so answers have passages.</summary>
public sealed class FuzzPlatformFixture : IAsyncLifetime
{
    public const string Collection = "fuzz";
    private readonly string _data = Directory.CreateTempSubdirectory("rag-fuzz-").FullName;

    public RunningPlatform Platform { get; private set; } = null!;

    public GatewayClient Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Platform = await RunningPlatform.StartAsync(new PlatformOptions(_data)
        {
            Settings = new Dictionary<PlatformService, IReadOnlyDictionary<string, string?>>
            {
                [PlatformService.Gateway] = new Dictionary<string, string?>
                {
                    ["Gateway__RequestsPerSecond"] = "10000",
                    ["Gateway__RequestBurst"] = "10000",
                    ["Gateway__MaxUploadBytes"] = "2097152",
                },
                [PlatformService.Orchestrator] = new Dictionary<string, string?> { ["Ingestion__MaxUploadBytes"] = "2097152" },
            },
        });
        Gateway = new GatewayClient(Platform.CreateClient(timeout: TimeSpan.FromSeconds(60)));
        Assert.Equal(HttpStatusCode.Created, (await Gateway.CreateCollectionAsync(Collection)).StatusCode);
        await Gateway.UploadTextAsync(Collection, "seed.txt", "Basalt forms when lava cools quickly at the surface.");
        await Gateway.WaitUntilSettledAsync(Collection, TimeSpan.FromSeconds(60));
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

    /// <summary>Every service still running and ready: no input crashed one.</summary>
    public async Task AssertAllAliveAsync()
    {
        foreach (var service in Enum.GetValues<PlatformService>())
        {
            Assert.False(Platform[service].HasExited, $"{service} died during fuzzing. Output:\n{Platform[service].Output}");
        }

        Assert.Equal(HttpStatusCode.OK, (await Gateway.Http.GetAsync("/readyz")).StatusCode);
        var answer = await Gateway.AskAsync(new { collection = Collection, question = "How does basalt form?", maxTokens = 2 });
        Assert.NotEmpty(answer.GetProperty("citations").EnumerateArray());
    }
}

[CollectionDefinition(Name)]
public sealed class FuzzCollection : ICollectionFixture<FuzzPlatformFixture>
{
    public const string Name = "fuzz platform";
}
