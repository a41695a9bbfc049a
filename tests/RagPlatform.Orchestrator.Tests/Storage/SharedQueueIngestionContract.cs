using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;
using RagPlatform.Ingestion.Chunking;
using RagPlatform.Ingestion.Embedding;
using RagPlatform.Ingestion.Parsing;
using RagPlatform.Ingestion.Pipeline;
using RagPlatform.Ingestion.Status;
using RagPlatform.Retrieval;
using RagPlatform.Testing.Postgres;
using RagPlatform.Tokenizers;

namespace RagPlatform.Orchestrator.Tests.Storage;

/// <summary>
/// The real ingestion pipeline (forged tiny embedder, embedded index) over each document store: two pipelines draining
/// one queue (two orchestrators on PostgreSQL; two workers of one process on SQLite) index every document exactly
/// once, and a document whose worker died more than MaxAttempts times is failed with the reason.
/// </summary>
public abstract class SharedQueueIngestionContract : IAsyncLifetime
{
    private const string Collection = "shared";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);
    private readonly string _files = Directory.CreateTempSubdirectory("rag-shared-queue-").FullName;
    private StoreBackend _backend = null!;
    private EmbeddedIndex _index = null!;
    private TextEmbedder _embedder = null!;
    private ITokenizer _tokenizer = null!;

    public async Task InitializeAsync()
    {
        await TestAssets.EnsureTinyModelsAsync().Bounded();
        var model = TestAssets.TinyModel("minilm-embedder");
        _embedder = TextEmbedder.Open(OnnxSessionFactory.Create(), ModelDirectory.Load(model),
            new TextEmbedderOptions { Session = new InferenceSessionOptions { IntraOpThreads = 1 } });
        _tokenizer = TokenizerLoader.Load(model);
        _index = await EmbeddedIndex.OpenAsync(new EmbeddedIndexOptions { RootDirectory = Path.Combine(_files, "index") }).Bounded();
        _backend = await OpenAsync(Lease).Bounded();
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _index.DisposeAsync();
        _embedder.Dispose();
        Directory.Delete(_files, recursive: true);
    }

    internal abstract Task<StoreBackend> OpenAsync(TimeSpan lease);

    [Fact]
    public async Task TwoPipelinesOnOneQueue_IndexEveryDocumentExactlyOnce()
    {
        var first = Pipeline(_backend.Documents, new IngestionOptions());
        var second = Pipeline(_backend.PeerDocuments, new IngestionOptions());
        var sources = Enumerable.Range(0, 24).Select(i => new IngestionSource(Write($"doc-{i:D2}.md",
            $"# Part {i}\n\nThe {i} river runs past the mill. Lanterns glow over copper roofs at dusk, number {i}."))).ToList();
        await first.EnqueueAsync(Collection, sources).Bounded();

        var results = await Task.WhenAll(first.ProcessQueueAsync(), second.ProcessQueueAsync()).Bounded();

        var all = results.SelectMany(r => r).ToList();
        Assert.All(all, r => Assert.Equal(IngestionOutcome.Indexed, r.Outcome));
        Assert.Equal(24, all.Count);
        Assert.Equal(24, all.Select(r => r.DocumentId).Distinct().Count());
        foreach (var result in all)
        {
            var row = await _backend.PeerDocuments.GetAsync(Collection, result.DocumentId, CancellationToken.None).Bounded();
            Assert.Equal((DocumentState.Indexed, 1), (row!.State, row.Attempts));
            Assert.Equal(row.ChunkCount, await _index.CountAsync(Collection, IngestionPipeline.ByDocument(result.DocumentId)).Bounded());
        }
    }

    [Fact]
    public async Task DocumentWhoseWorkerDiedPastMaxAttempts_IsFailedWithTheReason()
    {
        var pipeline = Pipeline(_backend.PeerDocuments, new IngestionOptions { MaxAttempts = 1 });
        await pipeline.EnqueueAsync(Collection, [new IngestionSource(Write("deadly.txt", "A document whose worker dies."))]).Bounded();

        // A worker claims it and dies (never renews, never settles): its lease runs out.
        Assert.NotNull(await _backend.Documents.ClaimAsync(CancellationToken.None).Bounded());
        var deadline = DateTime.UtcNow + (Lease * 10);
        IReadOnlyList<DocumentResult> results;
        while ((results = await pipeline.ProcessQueueAsync().Bounded()).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the dead worker's lease was never taken over");
            await Task.Delay(200);
        }

        var failed = Assert.Single(results);
        Assert.Equal(IngestionOutcome.Failed, failed.Outcome);
        var row = await _backend.Documents.GetAsync(Collection, "deadly.txt", CancellationToken.None).Bounded();
        Assert.Equal((DocumentState.Failed, 2), (row!.State, row.Attempts));
        Assert.Contains("Gave up after 1", row.Error, StringComparison.Ordinal);
        Assert.Equal(0, await _index.CountAsync(Collection, IngestionPipeline.ByDocument("deadly.txt")).Bounded());
    }

    private IngestionPipeline Pipeline(IDocumentStore documents, IngestionOptions options) =>
        new(_index, new TextEmbedderPassageEmbedder(_embedder), new TextChunker(_tokenizer, new ChunkingOptions { TargetTokens = 64, OverlapTokens = 8 }, _embedder.MaxTokens),
            new DocumentParsers(new ParsingOptions()), documents, options with { DocumentTimeout = TimeSpan.FromSeconds(30) });

    private string Write(string name, string text)
    {
        var path = Path.Combine(_files, name);
        File.WriteAllText(path, text);
        return path;
    }
}

[Trait("Category", "Unit")]
public sealed class SqliteSharedQueueIngestionTests : SharedQueueIngestionContract
{
    internal override Task<StoreBackend> OpenAsync(TimeSpan lease) => StoreBackend.EmbeddedAsync(lease);
}

[Trait("Category", "Unit")]
[Collection(PostgresCollection.Name)]
public sealed class PostgresSharedQueueIngestionTests(PostgresServerFixture fixture) : SharedQueueIngestionContract
{
    internal override Task<StoreBackend> OpenAsync(TimeSpan lease) =>
        StoreBackend.PostgresAsync(fixture.Server, nameof(PostgresSharedQueueIngestionTests), lease);
}
