using System.Text;
using RagPlatform.Ingestion.Status;
using RagPlatform.Storage;
using RagPlatform.Testing.Postgres;

namespace RagPlatform.Orchestrator.Tests.Storage;

/// <summary>
/// PostgreSQL crashes (immediate stop) under the orchestrator's stores mid-operation: every call fails with
/// StoreUnavailableException while it is down, everything committed before survives the crash (queued rows, a claimed
/// lease, uploaded bytes), and the same stores carry on when it is back, with no reopening.
/// </summary>
[Trait("Category", "Fault")]
public sealed class PostgresStoreOutageTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private StoreBackend _backend = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync().Bounded();
        _backend = await StoreBackend.PostgresAsync(_server, nameof(PostgresStoreOutageTests), TimeSpan.FromSeconds(30)).Bounded();
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task ServerCrashesMidIngestion_CallsFailUnavailable_NothingCommittedIsLost_WorkResumes()
    {
        var documents = _backend.Documents;
        var locator = await _backend.Blobs.StoreAsync("docs", "a.txt", ".txt", Encoding.UTF8.GetBytes("acknowledged bytes"), CancellationToken.None).Bounded();
        await documents.EnqueueAsync("docs", "a.txt", locator, 18, CancellationToken.None).Bounded();
        await documents.EnqueueAsync("docs", "b.txt", "/b.txt", 1, CancellationToken.None).Bounded();
        var lease = (await documents.ClaimAsync(CancellationToken.None).Bounded())!;

        await _server.StopAsync(immediate: true).Bounded();

        await Assert.ThrowsAsync<StoreUnavailableException>(() => documents.EnqueueAsync("docs", "c.txt", "/c.txt", 1, CancellationToken.None)).Bounded();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => documents.ClaimAsync(CancellationToken.None)).Bounded();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => documents.RenewAsync([lease], CancellationToken.None)).Bounded();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => documents.LockAsync("docs", "a.txt", CancellationToken.None)).Bounded();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => _backend.Blobs.ReadAsync(locator, 100, CancellationToken.None)).Bounded();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => _backend.Blobs.StoreAsync("docs", "c.txt", ".txt", new byte[1], CancellationToken.None)).Bounded();

        await _server.StartAgainAsync().Bounded();

        Assert.Equal("acknowledged bytes", Encoding.UTF8.GetString(await _backend.Blobs.ReadAsync(lease.Document.SourcePath, 100, CancellationToken.None).Bounded()));
        Assert.True(await documents.MarkIndexedAsync(lease, "h", 1, CancellationToken.None).Bounded());
        Assert.Equal("b.txt", (await _backend.PeerDocuments.ClaimAsync(CancellationToken.None).Bounded())?.DocumentId);
        Assert.Null(await documents.GetAsync("docs", "c.txt", CancellationToken.None).Bounded());
        Assert.Equal(DocumentState.Indexed, (await documents.GetAsync("docs", "a.txt", CancellationToken.None).Bounded())?.State);
    }
}
