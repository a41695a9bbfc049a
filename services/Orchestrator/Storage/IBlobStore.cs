using RagPlatform.Ingestion.Pipeline;

namespace RagPlatform.Orchestrator.Storage;

/// <summary>
/// Uploaded bytes, kept durably until their document is deleted, each version under a name derived from its content
/// (so a new version never overwrites the one an ingestion in flight reads). <see cref="StoreAsync"/> returns a locator,
/// the source path the queue row records. Implementations: files on disk (<see cref="FileBlobStore"/>) and PostgreSQL
/// bytea (<see cref="PostgresBlobStore"/>); an object store could fill the same seam.
/// </summary>
internal interface IBlobStore : IBlobReader
{
    /// <summary>Stores the bytes durably (an existing identical version is reused).</summary>
    /// <returns>The version's locator.</returns>
    Task<string> StoreAsync(string collection, string documentId, string extension, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Deletes every stored version of the document but <paramref name="keep"/>, and any partial write.</summary>
    /// <returns>How many were deleted.</returns>
    Task<int> DeleteOtherVersionsAsync(string collection, string documentId, string keep, CancellationToken cancellationToken);

    /// <returns>How many versions were deleted.</returns>
    Task<int> DeleteDocumentAsync(string collection, string documentId, CancellationToken cancellationToken);

    Task DeleteCollectionAsync(string collection, CancellationToken cancellationToken);

    /// <summary>Documents that may hold a version no queue row refers to (what the start-up sweep checks, each under its lock).</summary>
    Task<IReadOnlyList<(string Collection, string DocumentId)>> SweepCandidatesAsync(CancellationToken cancellationToken);

    /// <summary>Tidies what the sweep leaves (empty collection folders); nothing for a database.</summary>
    Task TidyAsync(CancellationToken cancellationToken);

    /// <summary>Free bytes where the blobs are kept, or null when the store cannot tell (a database).</summary>
    Task<long?> AvailableBytesAsync(CancellationToken cancellationToken);
}
