namespace RagPlatform.Retrieval;

/// <summary>
/// An index of points (dense vector + chunk text + typed payload) grouped in named collections.
/// Every write returns only once it is durable and is all-or-nothing; searches never observe half a batch.
/// </summary>
public interface IPointIndex : IAsyncDisposable
{
    /// <exception cref="ArgumentException">The name or dimensions are invalid.</exception>
    /// <exception cref="CollectionAlreadyExistsException">A collection with that name exists.</exception>
    Task CreateCollectionAsync(CollectionSpec spec, CancellationToken cancellationToken = default);

    /// <returns>The collection, or null when it does not exist.</returns>
    Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken = default);

    /// <returns>False when there was no such collection.</returns>
    Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces points by id, as one atomic batch.</summary>
    Task UpsertAsync(string collection, IReadOnlyList<IndexPoint> points, CancellationToken cancellationToken = default);

    Task DeleteAsync(string collection, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);

    Task DeleteWhereAsync(string collection, PointFilter filter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every point matching <paramref name="replaced"/> and upserts <paramref name="points"/> as one write, e.g. a
    /// re-ingested document's new chunks in place of its old ones: readers see the old set or the new one, never a mix
    /// or neither. How strong "one write" is depends on the index (see each implementation).
    /// </summary>
    Task ReplaceWhereAsync(string collection, PointFilter replaced, IReadOnlyList<IndexPoint> points,
        CancellationToken cancellationToken = default);

    /// <returns>The stored points among <paramref name="ids"/>, in the order asked; missing ids are left out.</returns>
    Task<IReadOnlyList<IndexPoint>> GetAsync(string collection, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);

    Task<long> CountAsync(string collection, PointFilter? filter = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SearchHit>> SearchAsync(string collection, SearchRequest request, CancellationToken cancellationToken = default);
}
