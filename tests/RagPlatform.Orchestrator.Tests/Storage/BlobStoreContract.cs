using System.Text;
using RagPlatform.Ingestion.Parsing;
using RagPlatform.Testing.Postgres;

namespace RagPlatform.Orchestrator.Tests.Storage;

/// <summary>What every blob store guarantees, on files and on PostgreSQL: content-named versions, bounded reads, deletes, the sweep's candidates.</summary>
public abstract class BlobStoreContract : IAsyncLifetime
{
    private StoreBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await OpenAsync().Bounded();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    internal abstract Task<StoreBackend> OpenAsync();

    [Fact]
    public async Task Store_SameBytesSameLocator_NewBytesNewLocator_ReadableByAPeer()
    {
        var first = await _backend.Blobs.StoreAsync("docs", "a.md", ".MD", Bytes("# One"), CancellationToken.None).Bounded();
        var again = await _backend.Blobs.StoreAsync("docs", "a.md", ".md", Bytes("# One"), CancellationToken.None).Bounded();
        var second = await _backend.Blobs.StoreAsync("docs", "a.md", ".md", Bytes("# Two"), CancellationToken.None).Bounded();

        Assert.Equal(first, again);
        Assert.NotEqual(first, second);
        Assert.EndsWith(".md", first, StringComparison.Ordinal);
        Assert.Equal("# One", Encoding.UTF8.GetString(await _backend.PeerBlobs.ReadAsync(first, 1024, CancellationToken.None).Bounded()));
        Assert.Equal("# Two", Encoding.UTF8.GetString(await _backend.PeerBlobs.ReadAsync(second, 1024, CancellationToken.None).Bounded()));
    }

    [Fact]
    public async Task Read_OverTheLimitOrGone_RejectsTheDocument()
    {
        var locator = await _backend.Blobs.StoreAsync("docs", "big.txt", ".txt", new byte[100], CancellationToken.None).Bounded();

        var tooLarge = await Assert.ThrowsAsync<DocumentRejectedException>(() => _backend.Blobs.ReadAsync(locator, 99, CancellationToken.None)).Bounded();
        Assert.Contains("100 bytes", tooLarge.Message, StringComparison.Ordinal);
        await _backend.Blobs.DeleteDocumentAsync("docs", "big.txt", CancellationToken.None).Bounded();
        await Assert.ThrowsAsync<DocumentRejectedException>(() => _backend.Blobs.ReadAsync(locator, 1000, CancellationToken.None)).Bounded();
    }

    [Fact]
    public async Task Deletes_KeepOnlyWhatTheyMust()
    {
        var old = await _backend.Blobs.StoreAsync("docs", "a.txt", ".txt", Bytes("old"), CancellationToken.None).Bounded();
        var kept = await _backend.Blobs.StoreAsync("docs", "a.txt", ".txt", Bytes("new"), CancellationToken.None).Bounded();
        var other = await _backend.Blobs.StoreAsync("docs", "b.txt", ".txt", Bytes("b"), CancellationToken.None).Bounded();
        var elsewhere = await _backend.Blobs.StoreAsync("more", "c.txt", ".txt", Bytes("c"), CancellationToken.None).Bounded();

        Assert.Equal(1, await _backend.PeerBlobs.DeleteOtherVersionsAsync("docs", "a.txt", kept, CancellationToken.None).Bounded());
        await _backend.PeerBlobs.DeleteCollectionAsync("more", CancellationToken.None).Bounded();

        await Assert.ThrowsAsync<DocumentRejectedException>(() => _backend.Blobs.ReadAsync(old, 100, CancellationToken.None)).Bounded();
        await Assert.ThrowsAsync<DocumentRejectedException>(() => _backend.Blobs.ReadAsync(elsewhere, 100, CancellationToken.None)).Bounded();
        Assert.Equal("new", Encoding.UTF8.GetString(await _backend.Blobs.ReadAsync(kept, 100, CancellationToken.None).Bounded()));
        Assert.Equal("b", Encoding.UTF8.GetString(await _backend.Blobs.ReadAsync(other, 100, CancellationToken.None).Bounded()));
    }

    [Fact]
    public async Task SweepCandidates_IncludeEveryDocumentWithAnUnqueuedVersion()
    {
        var queued = await _backend.Blobs.StoreAsync("docs", "queued.txt", ".txt", Bytes("q"), CancellationToken.None).Bounded();
        await _backend.Documents.EnqueueAsync("docs", "queued.txt", queued, 1, CancellationToken.None).Bounded();
        await _backend.Blobs.StoreAsync("docs", "queued.txt", ".txt", Bytes("an older version"), CancellationToken.None).Bounded();
        await _backend.Blobs.StoreAsync("docs", "never-queued.txt", ".txt", Bytes("n"), CancellationToken.None).Bounded();

        var candidates = await _backend.PeerBlobs.SweepCandidatesAsync(CancellationToken.None).Bounded();

        Assert.Contains(("docs", "queued.txt"), candidates);
        Assert.Contains(("docs", "never-queued.txt"), candidates);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}

[Trait("Category", "Unit")]
public sealed class FileBlobStoreTests : BlobStoreContract
{
    internal override Task<StoreBackend> OpenAsync() => StoreBackend.EmbeddedAsync(TimeSpan.FromSeconds(30));
}

[Trait("Category", "Unit")]
[Collection(PostgresCollection.Name)]
public sealed class PostgresBlobStoreTests(PostgresServerFixture fixture) : BlobStoreContract
{
    internal override Task<StoreBackend> OpenAsync() => StoreBackend.PostgresAsync(fixture.Server, nameof(PostgresBlobStoreTests), TimeSpan.FromSeconds(30));
}
