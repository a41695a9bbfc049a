using System.Runtime.InteropServices;

namespace RagPlatform;

/// <summary>
/// fsync of a directory, which .NET has no API for: it makes a rename or a new file's name durable (a file's own
/// fsync does not cover its directory entry). Linked as source into the projects that write files atomically, so
/// none of them depends on another for eight lines of interop.
/// </summary>
internal static partial class DirectorySync
{
    /// <summary>Best effort: Windows (where the filesystem's journal makes a rename durable) and filesystems that
    /// refuse to open a directory are skipped.</summary>
    public static void Sync(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
