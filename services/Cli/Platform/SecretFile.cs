using System.Security.Cryptography;

namespace RagPlatform.Cli.Platform;

/// <summary>
/// A generated secret kept in a file only its owner can read (mode 600): the admin API key and the internal gRPC
/// token. Made once, on the first `rag up`, and reused afterwards so keys handed out keep working.
/// </summary>
internal static class SecretFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <returns>The secret, and whether this call created it.</returns>
    public static (string Secret, bool Created) ReadOrCreate(string path, string prefix)
    {
        if (TryRead(path) is { } existing)
        {
            return (existing, false);
        }

        var secret = prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        try
        {
            // CreateNew with the mode set at creation: the secret is never readable by others, not even briefly.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.WriteLine(secret);
            return (secret, true);
        }
        catch (IOException) when (TryRead(path) is { } raced)
        {
            // Another rag up made it between our read and our create: use theirs.
            return (raced, false);
        }
    }

    private static string? TryRead(string path) =>
        File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } secret ? secret : null;
}
