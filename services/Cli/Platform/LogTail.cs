namespace RagPlatform.Cli.Platform;

/// <summary>The end of a service log: what to show when a service fails to start.</summary>
internal static class LogTail
{
    public static IReadOnlyList<string> Read(string path, int lines)
    {
        try
        {
            return File.Exists(path) ? [.. File.ReadLines(path).TakeLast(lines)] : [];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
