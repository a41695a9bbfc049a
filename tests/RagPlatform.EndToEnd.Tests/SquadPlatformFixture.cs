using System.Net;

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

    public GatewayClient Gateway { get; private set; } = null!;

    public IReadOnlyList<SquadParagraph> Paragraphs { get; private set; } = [];

    public IReadOnlyList<SquadQuestion> Questions { get; private set; } = [];

    public async Task InitializeAsync()
    {
        (Paragraphs, Questions) = SquadCorpus.Load();
        // As `rag up` starts it by default: the real embedder beside the forged reranker and generator.
        await TestAssets.EnsureRealEmbeddersAsync();
        Platform = await RunningPlatform.StartAsync(new PlatformOptions(_data)
        {
            Settings = new Dictionary<PlatformService, IReadOnlyDictionary<string, string?>>
            {
                [PlatformService.Embedder] = new Dictionary<string, string?> { ["Embedder__ModelDirectory"] = TestAssets.DefaultRealEmbedder },
            },
        });
        Gateway = new GatewayClient(Platform.CreateClient());
        using (var created = await Gateway.CreateCollectionAsync(Collection))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // Twenty files per request and four requests in flight, as a bulk client would upload.
        await Parallel.ForEachAsync(Paragraphs.Chunk(20), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, _) =>
        {
            using var response = await Gateway.UploadManyAsync(Collection, [.. batch.Select(p => (p.DocumentId, System.Text.Encoding.UTF8.GetBytes(p.Text)))]);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        });
        var settled = await Gateway.WaitUntilSettledAsync(Collection, TimeSpan.FromMinutes(5));
        Assert.Equal(Paragraphs.Count, settled.Count(d => d.GetProperty("state").GetString() == "indexed"));
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

[CollectionDefinition(Name)]
public sealed class SquadPlatformCollection : ICollectionFixture<SquadPlatformFixture>
{
    public const string Name = "squad platform";
}
