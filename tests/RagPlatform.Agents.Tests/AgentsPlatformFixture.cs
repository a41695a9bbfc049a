namespace RagPlatform.Agents.Tests;

/// <summary>
/// One platform for the agent tooling tests: a collection holding one uploaded document, another the restricted key
/// may read, and that key (it cannot read the first).
/// </summary>
public sealed class AgentsPlatformFixture : IAsyncLifetime
{
    public const string Collection = "geology";
    public const string OtherCollection = "elsewhere";
    public const string DocumentId = "basalt-notes";
    public const string Question = "How does basalt form?";

    private readonly string _data = Directory.CreateTempSubdirectory("rag-agents-").FullName;

    public RunningPlatform Platform { get; private set; } = null!;

    /// <summary>The gateway through the typed client, with the admin key.</summary>
    public RagPlatformClient Gateway { get; private set; } = null!;

    /// <summary>A key that may read only <see cref="OtherCollection"/>.</summary>
    public string RestrictedKey { get; private set; } = "";

    public Uri GatewayUri => new(Platform.GatewayUrl);

    public async Task InitializeAsync()
    {
        Platform = await RunningPlatform.StartAsync(new PlatformOptions(_data));
        Gateway = Platform.CreateGatewayClient(timeout: TimeSpan.FromSeconds(60));
        await Gateway.CreateCollectionAsync(Collection);
        await Gateway.CreateCollectionAsync(OtherCollection);
        await Gateway.UploadDocumentAsync(Collection, new UploadFile("basalt.md",
            "# Volcanic rocks\n\n## Basalt\n\nBasalt forms when lava cools quickly at the surface. Its crystals are too small to see.\n\n## Granite\n\nGranite cools slowly deep underground, so its crystals grow large."u8.ToArray()),
            DocumentId);
        await Gateway.WaitUntilSettledAsync(Collection, TimeSpan.FromSeconds(60));
        RestrictedKey = (await Gateway.CreateKeyAsync(new CreateKeyRequest("restricted", [OtherCollection]))).Key;
    }

    public async Task DisposeAsync()
    {
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class AgentsPlatformCollection : ICollectionFixture<AgentsPlatformFixture>
{
    public const string Name = "agents platform";
}
