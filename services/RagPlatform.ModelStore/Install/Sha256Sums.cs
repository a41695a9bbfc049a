namespace RagPlatform.ModelStore.Install;

/// <summary>
/// A sha256sum(1) list: "&lt;64 hex&gt;  &lt;path&gt;" per line ("*" before the path marks binary mode and is ignored),
/// '#' comments allowed. Paths are relative to the list's own folder, as `sha256sum` writes them when run there.
/// </summary>
internal static class Sha256Sums
{
    private const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>Full path of each listed file → its sha256 (lower case).</summary>
    public static IReadOnlyDictionary<string, string> Read(string listFile)
    {
        var full = Path.GetFullPath(listFile);
        if (!File.Exists(full))
        {
            throw new ModelStoreException(ModelStoreError.InvalidLayout, $"The checksum list '{full}' does not exist.");
        }

        if (new FileInfo(full).Length > MaxBytes)
        {
            throw new ModelStoreException(ModelStoreError.InvalidLayout, $"The checksum list '{full}' is larger than {MaxBytes} bytes.");
        }

        var root = Path.GetDirectoryName(full)!;
        var sums = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in File.ReadLines(full))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var hash = line.Length > 66 ? line[..64].ToLowerInvariant() : null;
            var separatorOk = line.Length > 66 && line[64] == ' ' && line[65] is ' ' or '*';
            var relative = separatorOk ? line[66..] : null;
            if (relative?.StartsWith("./", StringComparison.Ordinal) == true)
            {
                relative = relative[2..];
            }

            if (!ModelNames.IsSha256(hash) || !separatorOk || !ModelNames.IsSafeRelativePath(relative))
            {
                throw new ModelStoreException(ModelStoreError.InvalidLayout,
                    $"'{full}' line {number} is not '<sha256>  <relative path>' (paths may not leave the list's folder).");
            }

            var path = ModelNames.Under(root, relative!);
            if (sums.TryGetValue(path, out var previous) && previous != hash)
            {
                throw new ModelStoreException(ModelStoreError.InvalidLayout, $"'{full}' lists '{relative}' twice with different checksums.");
            }

            sums[path] = hash!;
        }

        return sums;
    }
}
