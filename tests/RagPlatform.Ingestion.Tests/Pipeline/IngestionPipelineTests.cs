using RagPlatform.Ingestion.Embedding;
using RagPlatform.Ingestion.Parsing;
using RagPlatform.Ingestion.Pipeline;
using RagPlatform.Ingestion.Status;
using RagPlatform.Ingestion.Tests.Infrastructure;
using RagPlatform.Retrieval;

namespace RagPlatform.Ingestion.Tests.Pipeline;

[Trait("Category", "Unit")]
[Collection(EnvironmentCollection.Name)]
public sealed class IngestionPipelineTests(TestEnvironment env) : IAsyncLifetime
{
    private const string Collection = "docs";
    private readonly TempDirectory _dir = new();
    private EmbeddedIndex _index = null!;
    private SqliteDocumentStore _status = null!;
    private CountingEmbedder _embedder = null!;
    private IngestionPipeline _pipeline = null!;

    public async Task InitializeAsync()
    {
        _index = await EmbeddedIndex.OpenAsync(new EmbeddedIndexOptions { RootDirectory = Path.Combine(_dir.Path, "index") });
        _status = SqliteDocumentStore.Open(Path.Combine(_dir.Path, "index", "ingestion.db"));
        _embedder = new CountingEmbedder(env.Embedder);
        _pipeline = new IngestionPipeline(_index, _embedder, env.Chunker(), new DocumentParsers(new ParsingOptions { MaxFileBytes = 4096 }),
            _status, new IngestionOptions { DocumentTimeout = TimeSpan.FromSeconds(30) });
    }

    public async Task DisposeAsync()
    {
        await _index.DisposeAsync();
        _status.Dispose();
        _dir.Dispose();
    }

    private Task<long> ChunksOfAsync(string documentId) => _index.CountAsync(Collection, IngestionPipeline.ByDocument(documentId));

    [Fact]
    public async Task Reingest_Unchanged_IsANoOp_Changed_Replaces()
    {
        var path = _dir.File("a.md", "# Title\n\nFirst version of the text.\n\n## Part\n\nMore words here.");
        var first = await _pipeline.IngestAsync(Collection, [new IngestionSource(path)]).Bounded();
        var calls = _embedder.Calls;
        var firstIds = (await _index.SearchAsync(Collection, new SearchRequest { Mode = SearchMode.Lexical, Text = "version words", Limit = 50 })).Select(h => h.Id).ToList();

        var again = await _pipeline.IngestAsync(Collection, [new IngestionSource(path)]).Bounded();

        Assert.Equal(IngestionOutcome.Indexed, first.Single().Outcome);
        Assert.Equal(IngestionOutcome.Unchanged, again.Single().Outcome);
        Assert.Equal(calls, _embedder.Calls);
        Assert.Equal(first[0].ChunkCount, await ChunksOfAsync("a.md"));

        File.WriteAllText(path, "# Title\n\nSecond version, rewritten entirely.");
        var changed = await _pipeline.IngestAsync(Collection, [new IngestionSource(path)]).Bounded();

        Assert.Equal(IngestionOutcome.Indexed, changed.Single().Outcome);
        Assert.Empty(await _index.GetAsync(Collection, firstIds));
        Assert.Equal(changed[0].ChunkCount, await ChunksOfAsync("a.md"));
        var status = (await _status.GetAsync(Collection, "a.md", CancellationToken.None))!;
        Assert.Equal(DocumentState.Indexed, status.State);
        Assert.Equal(changed[0].ChunkCount, status.ChunkCount);
    }

    [Fact]
    public async Task HostileBatch_EachBadFileFailsAlone_GoodOnesAreIndexed()
    {
        IngestionSource[] batch =
        [
            new(_dir.File("good1.txt", "A perfectly good document about rivers.")),
            new(_dir.File("huge.txt", new string('x', 10_000))),
            new(_dir.File("corrupt.pdf", "%PDF-1.4 not really a pdf")),
            new(_dir.File("bad.txt", [0x61, 0xFF, 0xFE, 0x62])),
            new(_dir.File("deep.json", new string('[', 2000) + new string(']', 2000))),
            new(_dir.File("empty.md", [])),
            new(_dir.File("good2.html", "<html><body><h1>Hills</h1><p>A good page about hills.</p></body></html>")),
        ];

        var results = (await _pipeline.IngestAsync(Collection, batch).Bounded()).ToDictionary(r => r.DocumentId);

        Assert.Equal(IngestionOutcome.Indexed, results["good1.txt"].Outcome);
        Assert.Equal(IngestionOutcome.Indexed, results["good2.html"].Outcome);
        foreach (var bad in new[] { "huge.txt", "corrupt.pdf", "bad.txt", "deep.json", "empty.md" })
        {
            Assert.Equal(IngestionOutcome.Failed, results[bad].Outcome);
            var status = (await _status.GetAsync(Collection, bad, CancellationToken.None))!;
            Assert.Equal(DocumentState.Failed, status.State);
            Assert.False(string.IsNullOrWhiteSpace(status.Error));
            Assert.Equal(0, await ChunksOfAsync(bad));
        }

        Assert.Equal(1, await ChunksOfAsync("good1.txt"));
        Assert.Equal(1, await ChunksOfAsync("good2.html"));
    }

    /// <summary>Counts calls into the real embedder (to prove an unchanged document is not embedded again).</summary>
    private sealed class CountingEmbedder(IPassageEmbedder inner) : IPassageEmbedder
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public int Dimensions => inner.Dimensions;

        public int MaxTokens => inner.MaxTokens;

        public Task<IReadOnlyList<float[]>> EmbedPassagesAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return inner.EmbedPassagesAsync(texts, cancellationToken);
        }
    }
}
