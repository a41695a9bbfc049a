using System.Security.Cryptography;
using RagPlatform.Ingestion.Pipeline;

namespace RagPlatform.Orchestrator.Storage;

/// <summary>
/// Uploaded files on the local disk: uploads/{collection}/{document id}/{sha256}{ext}, the locator being the full path.
/// A file is written to a temporary name, fsynced, renamed, and its directory fsynced, so once <see cref="StoreAsync"/>
/// returns the bytes survive a crash or power loss.
/// </summary>
internal sealed class FileBlobStore(string root) : IBlobStore
{
    private readonly FileBlobReader _reader = new();

    public string Root { get; } = root;

    /// <exception cref="IOException">The disk is full or unwritable; nothing is left behind.</exception>
    public async Task<string> StoreAsync(string collection, string documentId, string extension, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var directory = DocumentDirectory(collection, documentId);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(content.Span)) + extension.ToLowerInvariant());
        if (File.Exists(path))
        {
            return path;
        }

        var temporary = Path.Combine(directory, $".{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            DirectorySync.Sync(directory);
            return path;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public Task<byte[]> ReadAsync(string sourcePath, long maxBytes, CancellationToken cancellationToken) =>
        _reader.ReadAsync(sourcePath, maxBytes, cancellationToken);

    public Task<int> DeleteOtherVersionsAsync(string collection, string documentId, string keep, CancellationToken cancellationToken)
    {
        var deleted = 0;
        var directory = DocumentDirectory(collection, documentId);
        foreach (var file in Directory.Exists(directory) ? Directory.EnumerateFiles(directory) : [])
        {
            if (!string.Equals(file, keep, StringComparison.Ordinal))
            {
                File.Delete(file);
                deleted++;
            }
        }

        return Task.FromResult(deleted);
    }

    public Task<int> DeleteDocumentAsync(string collection, string documentId, CancellationToken cancellationToken)
    {
        var directory = DocumentDirectory(collection, documentId);
        if (!Directory.Exists(directory))
        {
            return Task.FromResult(0);
        }

        var files = Directory.EnumerateFiles(directory).Count();
        Directory.Delete(directory, recursive: true);
        return Task.FromResult(files);
    }

    public Task DeleteCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Root, collection);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>Every document folder on disk: a file's name says nothing of whether a queue row refers to it.</summary>
    public Task<IReadOnlyList<(string Collection, string DocumentId)>> SweepCandidatesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<(string, string)>>(!Directory.Exists(Root) ? [] :
            [.. Directory.EnumerateDirectories(Root).SelectMany(collection => Directory.EnumerateDirectories(collection)
                .Select(document => (Path.GetFileName(collection), Path.GetFileName(document))))]);

    /// <summary>Removes collection folders left empty; one an upload is filling at the same moment stays.</summary>
    public Task TidyAsync(CancellationToken cancellationToken)
    {
        foreach (var collection in Directory.Exists(Root) ? Directory.EnumerateDirectories(Root).ToList() : [])
        {
            try
            {
                if (!Directory.EnumerateFileSystemEntries(collection).Any())
                {
                    Directory.Delete(collection, recursive: false);
                }
            }
            catch (IOException)
            {
                // Not empty after all: an upload created a document folder in it since the check.
            }
        }

        return Task.CompletedTask;
    }

    public Task<long?> AvailableBytesAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Root);
        return Task.FromResult<long?>(new DriveInfo(Root).AvailableFreeSpace);
    }

    // Ids and names were validated by the caller ([A-Za-z0-9._-], not starting with a dot), so they are safe path segments.
    private string DocumentDirectory(string collection, string documentId) => Path.Combine(Root, collection, documentId);
}
