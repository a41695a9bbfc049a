
namespace RagPlatform.ModelStore.Install;

/// <summary>
/// How a file becomes visible: written and fsynced under "&lt;name&gt;.partial", then renamed over the final name (atomic
/// on one filesystem), then the folder is fsynced so the rename itself survives a crash. Readers see the old file or
/// the complete new one, never a half-written one.
/// </summary>
internal static class DurableFiles
{
    public const string PartialSuffix = ".partial";

    /// <summary>Renames a flushed partial file over its final name and makes the rename durable.</summary>
    public static void Commit(string partialPath, string finalPath)
    {
        File.Move(partialPath, finalPath, overwrite: true);
        DirectorySync.Sync(Path.GetDirectoryName(finalPath)!);
    }

    public static async Task WriteAllBytesAsync(string finalPath, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var partial = finalPath + PartialSuffix;
        await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        Commit(partial, finalPath);
    }

    public static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover partial is harmless: the next attempt truncates or resumes it.
        }
    }
}

/// <summary>
/// One writer per model folder: two pulls into the same folder would truncate each other's partial files. The lock
/// is an exclusively opened file inside the folder (an advisory flock on Unix), released when the process ends.
/// </summary>
internal sealed class DirectoryLock : IDisposable
{
    public const string FileName = ".rag-model.lock";

    private readonly FileStream _stream;

    private DirectoryLock(FileStream stream) => _stream = stream;

    public static DirectoryLock Acquire(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            // Not DeleteOnClose: deleting the file while another process opens it would let two writers hold "the" lock.
            return new DirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1));
        }
        catch (IOException error) when (error is not (FileNotFoundException or DirectoryNotFoundException))
        {
            throw new ModelStoreException(ModelStoreError.Locked,
                $"'{directory}' is being written by another pull or import; wait for it to finish.", innerException: error);
        }
    }

    public void Dispose() => _stream.Dispose();
}
