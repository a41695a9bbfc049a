namespace RagPlatform.Cli.Platform;

/// <summary>The end of a service log from its latest start: what to show when a service fails to start.</summary>
internal static class LogTail
{
    /// <summary>Starts the section one `rag up` appends to a service log (logs are kept across runs).</summary>
    public const string StartMarker = "=== rag up: starting ";

    public static IReadOnlyList<string> Read(string path, int lines)
    {
        try
        {
            if (!File.Exists(path))
            {
                return [];
            }

            var all = File.ReadAllLines(path);
            var start = Array.FindLastIndex(all, l => l.StartsWith(StartMarker, StringComparison.Ordinal)) + 1;
            return [.. all.Skip(start).Where(l => l.Length > 0).TakeLast(lines)];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
