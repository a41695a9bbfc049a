using System.Runtime.InteropServices;

namespace RagPlatform.OnnxGraph.Directories;

/// <summary>
/// A derived model reuses its source's external-data file (gigabytes, unchanged by a graph rewrite) through a hard
/// link, which .NET has no API for; a copy where links are impossible (another filesystem, Windows).
/// </summary>
internal static partial class HardLink
{
    /// <summary>Returns false when it had to copy.</summary>
    public static bool LinkOrCopy(string source, string destination)
    {
        if ((OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && Link(source, destination) == 0)
        {
            return true;
        }

        File.Copy(source, destination, overwrite: false);
        return false;
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);
}
