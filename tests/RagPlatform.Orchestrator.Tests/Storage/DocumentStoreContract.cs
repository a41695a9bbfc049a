using System.Collections.Concurrent;
using RagPlatform.Ingestion.Status;
using RagPlatform.Testing.Postgres;

namespace RagPlatform.Orchestrator.Tests.Storage;

/// <summary>
/// What every <see cref="IDocumentStore"/> guarantees, run on SQLite and on PostgreSQL: the queue's order and
/// durability, claims never shared, leases that expire and are taken over with the attempt counted, and a newer
/// upload or a delete winning over the lease on an older version.
/// </summary>
public abstract class DocumentStoreContract : IAsyncLifetime
{
    // Short enough for a test, long enough that renewals are never late on a busy 2-core machine.
    private static readonly TimeSpan ShortLease = TimeSpan.FromSeconds(2);
    private StoreBackend _backend = null!;

    private IDocumentStore Store => _backend.Documents;

    private IDocumentStore Peer => _backend.PeerDocuments;

    public async Task InitializeAsync() => _backend = await OpenAsync(ShortLease).Bounded();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    internal abstract Task<StoreBackend> OpenAsync(TimeSpan lease);

    [Fact]
    public async Task Claim_OldestFirst_CountsTheAttempt_MarkIndexedSettlesIt()
    {
        await Store.EnqueueAsync("docs", "b.txt", "/b-1.txt", 10, CancellationToken.None).Bounded();
        await Store.EnqueueAsync("docs", "a.txt", "/a-1.txt", 20, CancellationToken.None).Bounded();

        var lease = await Store.ClaimAsync(CancellationToken.None).Bounded();

        Assert.NotNull(lease);
        Assert.Equal(("b.txt", 1, DocumentState.Indexing, 10L), (lease.DocumentId, lease.Attempt, lease.Document.State, lease.Document.SizeBytes));
        Assert.True(await Store.HoldsAsync(lease, CancellationToken.None).Bounded());
        Assert.True(await Store.MarkIndexedAsync(lease, "hash-b", 7, CancellationToken.None).Bounded());
        var row = await Peer.GetAsync("docs", "b.txt", CancellationToken.None).Bounded();
        Assert.Equal((DocumentState.Indexed, "hash-b", 7, "/b-1.txt"), (row!.State, row.ContentHash, row.ChunkCount, row.SourcePath));
        Assert.NotNull(row.IndexedAt);
        Assert.False(await Store.HoldsAsync(lease, CancellationToken.None).Bounded());
        Assert.Equal("a.txt", (await Peer.ClaimAsync(CancellationToken.None).Bounded())?.DocumentId);
        Assert.Null(await Store.ClaimAsync(CancellationToken.None).Bounded());
        Assert.False(await Store.HasPendingAsync(CancellationToken.None).Bounded());
        Assert.Equal(2, await Peer.CountAsync("docs", CancellationToken.None).Bounded());
    }

    [Fact]
    public async Task Claim_EightWorkersOnTwoStoresRacing_NeverGetTheSameDocument()
    {
        const int Documents = 60;
        for (var i = 0; i < Documents; i++)
        {
            await Store.EnqueueAsync("race", $"d{i:D2}.txt", $"/d{i:D2}.txt", 1, CancellationToken.None).Bounded();
        }

        var claimed = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var store = worker % 2 == 0 ? Store : Peer;
            while (await store.ClaimAsync(CancellationToken.None) is { } lease)
            {
                claimed.Add(lease.DocumentId);
                Assert.True(await store.MarkIndexedAsync(lease, "h", 1, CancellationToken.None));
            }
        }))).Bounded();

        Assert.Equal(Documents, claimed.Count);
        Assert.Equal(Documents, claimed.Distinct().Count());
    }

    [Fact]
    public async Task ExpiredLease_IsTakenOverWithTheAttemptCounted_AndTheFirstHolderWritesNothing()
    {
        await Store.EnqueueAsync("docs", "slow.txt", "/slow.txt", 1, CancellationToken.None).Bounded();
        var first = (await Store.ClaimAsync(CancellationToken.None).Bounded())!;
        Assert.Null(await Peer.ClaimAsync(CancellationToken.None).Bounded());

        var second = await ClaimWhenExpiredAsync(Peer);

        Assert.Equal(("slow.txt", 2), (second.DocumentId, second.Attempt));
        Assert.False(await Store.MarkIndexedAsync(first, "stale", 1, CancellationToken.None).Bounded());
        Assert.False(await Store.MarkFailedAsync(first, "stale", CancellationToken.None).Bounded());
        Assert.False(await Store.ReleaseAsync(first, CancellationToken.None).Bounded());
        Assert.True(await Peer.MarkFailedAsync(second, "broken", CancellationToken.None).Bounded());
        var row = await Store.GetAsync("docs", "slow.txt", CancellationToken.None).Bounded();
        Assert.Equal((DocumentState.Failed, "broken", 2), (row!.State, row.Error, row.Attempts));
    }

    [Fact]
    public async Task RenewedLease_IsNotTakenOver()
    {
        await Store.EnqueueAsync("docs", "long.txt", "/long.txt", 1, CancellationToken.None).Bounded();
        var lease = (await Store.ClaimAsync(CancellationToken.None).Bounded())!;

        for (var i = 0; i < 8; i++)
        {
            await Task.Delay(ShortLease / 4);
            await Store.RenewAsync([lease], CancellationToken.None).Bounded();
            Assert.Null(await Peer.ClaimAsync(CancellationToken.None).Bounded());
        }

        Assert.True(await Store.MarkIndexedAsync(lease, "h", 3, CancellationToken.None).Bounded());
    }

    [Fact]
    public async Task Attempts_CountEveryStartOfAVersion_ReleaseDoesNot_NewVersionRestarts()
    {
        await Store.EnqueueAsync("docs", "crashy.txt", "/crashy-1.txt", 1, CancellationToken.None).Bounded();
        var attempts = new List<int> { (await Store.ClaimAsync(CancellationToken.None).Bounded())!.Attempt };
        attempts.Add((await ClaimWhenExpiredAsync(Peer)).Attempt);
        var third = await ClaimWhenExpiredAsync(Store);
        attempts.Add(third.Attempt);

        Assert.True(await Store.ReleaseAsync(third, CancellationToken.None).Bounded());
        attempts.Add((await Peer.ClaimAsync(CancellationToken.None).Bounded())!.Attempt);
        await Store.EnqueueAsync("docs", "crashy.txt", "/crashy-2.txt", 1, CancellationToken.None).Bounded();
        attempts.Add((await Peer.ClaimAsync(CancellationToken.None).Bounded())!.Attempt);

        Assert.Equal([1, 2, 3, 3, 1], attempts);
    }

    [Fact]
    public async Task NewerUpload_VoidsTheLeaseOnTheOlderVersion_AndQueuesTheNewOne()
    {
        await Store.EnqueueAsync("docs", "a.md", "/a-v1.md", 1, CancellationToken.None).Bounded();
        var old = (await Store.ClaimAsync(CancellationToken.None).Bounded())!;

        await Peer.EnqueueAsync("docs", "a.md", "/a-v2.md", 2, CancellationToken.None).Bounded();

        Assert.False(await Store.HoldsAsync(old, CancellationToken.None).Bounded());
        Assert.False(await Store.MarkIndexedAsync(old, "v1", 1, CancellationToken.None).Bounded());
        var row = await Store.GetAsync("docs", "a.md", CancellationToken.None).Bounded();
        Assert.Equal((DocumentState.Queued, "/a-v2.md", 0, 2L), (row!.State, row.SourcePath, row.Attempts, row.SizeBytes));
        Assert.Equal("/a-v2.md", (await Store.ClaimAsync(CancellationToken.None).Bounded())?.Document.SourcePath);
    }

    [Fact]
    public async Task Delete_WhileLeased_TheLeaseWritesNothingBack()
    {
        await Store.EnqueueAsync("docs", "gone.txt", "/gone.txt", 1, CancellationToken.None).Bounded();
        await Store.EnqueueAsync("other", "kept.txt", "/kept.txt", 1, CancellationToken.None).Bounded();
        var lease = (await Store.ClaimAsync(CancellationToken.None).Bounded())!;

        await Peer.RemoveAsync("docs", "gone.txt", CancellationToken.None).Bounded();

        Assert.False(await Store.MarkIndexedAsync(lease, "h", 1, CancellationToken.None).Bounded());
        Assert.Null(await Store.GetAsync("docs", "gone.txt", CancellationToken.None).Bounded());
        await Peer.RemoveCollectionAsync("other", CancellationToken.None).Bounded();
        Assert.Equal(0, await Store.CountAsync("other", CancellationToken.None).Bounded());
    }

    [Fact]
    public async Task List_PagesByIdInByteOrder()
    {
        foreach (var id in new[] { "b.txt", "B.txt", "a.txt", "a-1.txt", "_z.txt" })
        {
            await Store.EnqueueAsync("paged", id, "/" + id, 1, CancellationToken.None).Bounded();
        }

        var first = await Peer.ListAsync("paged", "", 2, CancellationToken.None).Bounded();
        var rest = await Peer.ListAsync("paged", first[^1].DocumentId, 10, CancellationToken.None).Bounded();

        Assert.Equal(["B.txt", "_z.txt", "a-1.txt", "a.txt", "b.txt"], [.. first.Concat(rest).Select(d => d.DocumentId)]);
    }

    [Fact]
    public async Task Lock_IsExclusiveAcrossStores_AndFreedOnDispose()
    {
        var holder = await Store.LockAsync("docs", "locked.txt", CancellationToken.None).Bounded();
        var waiting = Peer.LockAsync("docs", "locked.txt", CancellationToken.None);
        await Task.Delay(300);

        Assert.False(waiting.IsCompleted);
        await holder.DisposeAsync();
        await (await waiting.Bounded()).DisposeAsync();
    }

    private static async Task<DocumentLease> ClaimWhenExpiredAsync(IDocumentStore store)
    {
        var deadline = DateTime.UtcNow + (ShortLease * 10);
        while (DateTime.UtcNow < deadline)
        {
            if (await store.ClaimAsync(CancellationToken.None).Bounded() is { } lease)
            {
                return lease;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"An expired lease ({ShortLease}) was not taken over within {ShortLease * 10}.");
    }
}

[Trait("Category", "Unit")]
public sealed class SqliteDocumentStoreTests : DocumentStoreContract
{
    internal override Task<StoreBackend> OpenAsync(TimeSpan lease) => StoreBackend.EmbeddedAsync(lease);
}

[Trait("Category", "Unit")]
[Collection(PostgresCollection.Name)]
public sealed class PostgresDocumentStoreTests(PostgresServerFixture fixture) : DocumentStoreContract
{
    internal override Task<StoreBackend> OpenAsync(TimeSpan lease) => StoreBackend.PostgresAsync(fixture.Server, nameof(PostgresDocumentStoreTests), lease);
}
