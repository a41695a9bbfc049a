namespace RagPlatform.Ingestion.Status;

/// <summary>
/// The document registry, each document's status, and the ingestion queue, which are one table: a Queued row is
/// accepted work, durable once the call returns. Workers claim documents as leases; a lease not renewed within
/// <see cref="LeaseDuration"/> (its worker died) can be claimed again by any worker, the attempt counted.
/// Implementations: <see cref="SqliteDocumentStore"/> (one process) and a PostgreSQL store shared by several
/// orchestrators. Where the database is down, calls throw RagPlatform.Storage.StoreUnavailableException.
/// </summary>
public interface IDocumentStore
{
    /// <summary>How long a claim lasts unless renewed.</summary>
    TimeSpan LeaseDuration { get; }

    /// <summary>
    /// Accepts a version of a document into the queue: its attempts restart at 0 and any lease on an older version
    /// is void. An already queued document keeps its place.
    /// </summary>
    Task EnqueueAsync(string collection, string documentId, string sourcePath, long sizeBytes, CancellationToken cancellationToken);

    /// <summary>Claims the oldest queued document (or one whose lease expired), counting the attempt; null when none.</summary>
    Task<DocumentLease?> ClaimAsync(CancellationToken cancellationToken);

    /// <summary>Extends the leases still held; a lease lost meanwhile is left alone.</summary>
    Task RenewAsync(IReadOnlyCollection<DocumentLease> leases, CancellationToken cancellationToken);

    /// <summary>True while <paramref name="lease"/> still holds its document (not superseded, deleted or taken over).</summary>
    Task<bool> HoldsAsync(DocumentLease lease, CancellationToken cancellationToken);

    /// <returns>False when the lease no longer holds the document (nothing is written).</returns>
    Task<bool> MarkIndexedAsync(DocumentLease lease, string contentHash, int chunkCount, CancellationToken cancellationToken);

    /// <returns>False when the lease no longer holds the document.</returns>
    Task<bool> MarkFailedAsync(DocumentLease lease, string reason, CancellationToken cancellationToken);

    /// <summary>Puts the document back in the queue without counting the attempt: the failure was not its own.</summary>
    /// <returns>False when the lease no longer holds the document.</returns>
    Task<bool> ReleaseAsync(DocumentLease lease, CancellationToken cancellationToken);

    /// <summary>True when a document waits to be claimed.</summary>
    Task<bool> HasPendingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes the document's lock, exclusive among every process using this store, until the result is disposed:
    /// uploads, deletes and the final index write of an ingestion take turns under it.
    /// </summary>
    Task<IAsyncDisposable> LockAsync(string collection, string documentId, CancellationToken cancellationToken);

    /// <summary>Forgets a document (after its chunks were deleted).</summary>
    Task RemoveAsync(string collection, string documentId, CancellationToken cancellationToken);

    /// <summary>Forgets every document of a collection (after the collection was deleted).</summary>
    Task RemoveCollectionAsync(string collection, CancellationToken cancellationToken);

    Task<DocumentStatus?> GetAsync(string collection, string documentId, CancellationToken cancellationToken);

    /// <summary>At most <paramref name="limit"/> documents whose id sorts after <paramref name="afterDocumentId"/> ("" for the first page).</summary>
    Task<IReadOnlyList<DocumentStatus>> ListAsync(string collection, string afterDocumentId, int limit, CancellationToken cancellationToken);

    Task<int> CountAsync(string collection, CancellationToken cancellationToken);
}
