using System.Net;
using RagPlatform.Client;

namespace RagPlatform.Fault.Tests.Fuzz;

/// <summary>One platform for the fuzz suites, with a collection holding one document so answers have passages.</summary>
public sealed class FuzzPlatformFixture : IAsyncLifetime
{
    public const string Collection = "fuzz";
    private readonly string _data = Directory.CreateTempSubdirectory("rag-fuzz-").FullName;

    public RunningPlatform Platform { get; private set; } = null!;

    /// <summary>The gateway through the typed client, with the admin key.</summary>
    public RagPlatformClient Gateway { get; private set; } = null!;

    /// <summary>The gateway through plain HTTP with the admin key, for requests no well-behaved client sends.</summary>
    public HttpClient Http { get; private set; } = null!;

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
        Gateway = Platform.CreateGatewayClient(timeout: TimeSpan.FromSeconds(60));
        Http = Platform.CreateClient(timeout: TimeSpan.FromSeconds(60));
        await Gateway.CreateCollectionAsync(Collection);
        await Gateway.UploadDocumentAsync(Collection, new UploadFile("seed.txt", "Basalt forms when lava cools quickly at the surface."u8.ToArray()));
        await Gateway.WaitUntilSettledAsync(Collection, TimeSpan.FromSeconds(60));
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

    /// <summary>Every service still running and ready: no input crashed one.</summary>
    public async Task AssertAllAliveAsync()
    {
        foreach (var service in PlatformServices.All)
        {
            Assert.True(Platform[service].IsRunning, $"{service} died during fuzzing. Output:\n{Platform[service].Output}");
        }

        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/readyz")).StatusCode);
        var answer = await Gateway.AskAsync(new AskRequest(Collection, "How does basalt form?") { MaxTokens = 2 });
        Assert.NotEmpty(answer.Citations);
    }
}

[CollectionDefinition(Name)]
public sealed class FuzzCollection : ICollectionFixture<FuzzPlatformFixture>
{
    public const string Name = "fuzz platform";
}
