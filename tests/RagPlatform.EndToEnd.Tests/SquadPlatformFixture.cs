namespace RagPlatform.EndToEnd.Tests;

/// <summary>
/// The platform as `rag up` starts it by default (the real embedder, the forged reranker and generator), started once with
/// every SQuAD dev paragraph uploaded through the gateway and indexed.
/// </summary>
public sealed class SquadPlatformFixture : IAsyncLifetime
{
    public const string Collection = "squad";
    private readonly string _data = Directory.CreateTempSubdirectory("rag-e2e-").FullName;

    public RunningPlatform Platform { get; private set; } = null!;

    public RagPlatformClient Gateway { get; private set; } = null!;

    public IReadOnlyList<SquadParagraph> Paragraphs { get; private set; } = [];

    public IReadOnlyList<SquadQuestion> Questions { get; private set; } = [];

    public async Task InitializeAsync()
    {
        (Paragraphs, Questions) = SquadCorpus.Load();
        // As `rag up` starts it by default: the real embedder beside the forged reranker and generator.
        await TestAssets.EnsureRealEmbeddersAsync();
        Platform = await RunningPlatform.StartAsync(new PlatformOptions(_data)
        {
            ModelDirectories = new Dictionary<PlatformService, string> { [PlatformService.Embedder] = TestAssets.DefaultRealEmbedder },
        });
        Gateway = Platform.CreateGatewayClient();
        await Gateway.CreateCollectionAsync(Collection);

        // Twenty files per request and four requests in flight, as a bulk client would upload.
        await Parallel.ForEachAsync(Paragraphs.Chunk(20), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, token) =>
        {
            var accepted = await Gateway.UploadDocumentsAsync(Collection, [.. batch.Select(p => new UploadFile(p.DocumentId, System.Text.Encoding.UTF8.GetBytes(p.Text)))], token);
            Assert.Equal(batch.Length, accepted.Count);
        });
        var settled = await Gateway.WaitUntilSettledAsync(Collection, TimeSpan.FromMinutes(5));
        Assert.Equal(Paragraphs.Count, settled.Count(d => d.State == DocumentStates.Indexed));
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
public sealed class SquadPlatformCollection : ICollectionFixture<SquadPlatformFixture>
{
    public const string Name = "squad platform";
}
