namespace RagPlatform.Ingestion.Pipeline;

/// <summary>
/// Serialises the final write of a document's ingestion with its upload and deletion, within one process (the lock of
/// <see cref="Status.SqliteDocumentStore"/>). Striped: a fixed set of semaphores chosen
/// by hash, so memory stays bounded however many documents pass through; two documents sharing a stripe only wait
/// for each other's short index write.
/// </summary>
public sealed class DocumentLocks
{
    private const int Stripes = 64;
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>Waits for the lock of one document; dispose the result to release it.</summary>
    public async Task<IAsyncDisposable> AcquireAsync(string collection, string documentId, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(int)((uint)HashCode.Combine(collection, documentId) % Stripes)];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(stripe);
    }

    private sealed class Release(SemaphoreSlim stripe) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                stripe.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
