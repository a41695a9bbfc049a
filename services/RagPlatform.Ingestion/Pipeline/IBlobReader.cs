using RagPlatform.Ingestion.Parsing;

namespace RagPlatform.Ingestion.Pipeline;

/// <summary>
/// Where the pipeline reads a queued version's bytes from, by the source path its queue row holds: a file on disk
/// (<see cref="FileBlobReader"/>), or a blob store's locator (the orchestrator's uploads).
/// </summary>
public interface IBlobReader
{
    /// <exception cref="DocumentRejectedException">The bytes are gone, unreadable, or over <paramref name="maxBytes"/>.</exception>
    /// <exception cref="Storage.StoreUnavailableException">The store holding them is down (the document waits).</exception>
    Task<byte[]> ReadAsync(string sourcePath, long maxBytes, CancellationToken cancellationToken);
}

/// <summary>Reads the source path as a file.</summary>
public sealed class FileBlobReader : IBlobReader
{
    public async Task<byte[]> ReadAsync(string sourcePath, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            var length = new FileInfo(sourcePath).Length;
            if (length > maxBytes)
            {
                throw new DocumentRejectedException($"The file is {length} bytes, over the limit of {maxBytes}.");
            }

            return await File.ReadAllBytesAsync(sourcePath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DocumentRejectedException($"The file cannot be read: {e.Message}", e);
        }
    }
}
