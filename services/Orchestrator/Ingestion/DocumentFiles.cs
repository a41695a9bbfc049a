using System.Security.Cryptography;

namespace RagPlatform.Orchestrator.Ingestion;

/// <summary>
/// Uploaded files, stored durably until their document is deleted: uploads/{collection}/{document id}/{sha256}{ext}.
/// A file is written to a temporary name, fsynced, renamed, and its directory fsynced, so once <see cref="StoreAsync"/>
/// returns the bytes survive a crash or power loss. Named by content, so a new version never overwrites the file an
/// ingestion in flight is reading.
/// </summary>
internal sealed class DocumentFiles(string root)
{
    public string Root { get; } = root;

    /// <returns>The stored file's full path.</returns>
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

    /// <summary>Deletes every stored version of the document except <paramref name="keep"/>, and any partial write.</summary>
    /// <returns>How many files were deleted.</returns>
    public int DeleteOtherVersions(string collection, string documentId, string keep)
    {
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(DocumentDirectory(collection, documentId)))
        {
            if (!string.Equals(file, keep, StringComparison.Ordinal))
            {
                File.Delete(file);
                deleted++;
            }
        }

        return deleted;
    }

    /// <returns>How many files were deleted.</returns>
    public int DeleteDocument(string collection, string documentId)
    {
        var directory = DocumentDirectory(collection, documentId);
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var files = Directory.EnumerateFiles(directory).Count();
        Directory.Delete(directory, recursive: true);
        return files;
    }

    /// <summary>Every document folder on disk, as (collection, document id).</summary>
    public IReadOnlyList<(string Collection, string DocumentId)> StoredDocuments() =>
        !Directory.Exists(Root) ? [] :
        [.. Directory.EnumerateDirectories(Root).SelectMany(collection => Directory.EnumerateDirectories(collection)
            .Select(document => (Path.GetFileName(collection), Path.GetFileName(document))))];

    /// <summary>Removes collection folders left empty; one an upload is filling at the same moment stays.</summary>
    public void DeleteEmptyCollectionFolders()
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
    }

    public void DeleteCollection(string collection)
    {
        var directory = Path.Combine(Root, collection);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Bytes free on the volume holding the files.</summary>
    public long AvailableBytes()
    {
        Directory.CreateDirectory(Root);
        return new DriveInfo(Root).AvailableFreeSpace;
    }

    // Ids and names were validated by the caller ([A-Za-z0-9._-], not starting with a dot), so they are safe path segments.
    private string DocumentDirectory(string collection, string documentId) => Path.Combine(Root, collection, documentId);
}
