using System.Security.Cryptography;
using System.Text;

namespace RagPlatform.ModelStore.Install;

/// <summary>What a file must be, and who said so (recorded in the manifest's "verified_by").</summary>
/// <param name="Sha256Source">"catalog", "hub" or "sha256sums"; null when <paramref name="Sha256"/> is null.</param>
/// <param name="GitSha1">The hub's git blob id, for files not stored with LFS.</param>
internal sealed record FileExpectation(string? Sha256, string? Sha256Source, string? GitSha1, long? Size)
{
    public static FileExpectation None { get; } = new(null, null, null, null);

    public bool HasChecksum => Sha256 is not null || GitSha1 is not null;
}

/// <summary>The digests of some bytes: always the sha256, and the git blob id when one is expected.</summary>
internal sealed record FileDigest(long Size, string Sha256, string? GitSha1);

/// <summary>
/// Hashes bytes as they stream past. The git blob id is SHA-1 over "blob {size}\0" + content, so it needs the
/// final size up front; it is only computed for files whose expectation carries one.
/// </summary>
internal sealed class FileHasher : IDisposable
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash? _gitSha1;
    private long _size;

    public FileHasher(FileExpectation expected)
    {
        if (expected.GitSha1 is not null && expected.Size is { } size)
        {
            // SHA-1 because that is how git names blobs; it is compared, never trusted alone for LFS-sized files.
#pragma warning disable CA5350
            _gitSha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
#pragma warning restore CA5350
            _gitSha1.AppendData(Encoding.ASCII.GetBytes($"blob {size}\0"));
        }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        _sha256.AppendData(data);
        _gitSha1?.AppendData(data);
        _size += data.Length;
    }

    public FileDigest Finish() => new(
        _size,
        Convert.ToHexStringLower(_sha256.GetHashAndReset()),
        _gitSha1 is null ? null : Convert.ToHexStringLower(_gitSha1.GetHashAndReset()));

    /// <summary>Feeds the first <paramref name="length"/> bytes of a file (the part a resumed download already has).</summary>
    public async Task AppendFileAsync(string path, long length, Action<long>? onProgress, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var remaining = length;
        while (remaining > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"'{path}' ended before {length} bytes.");
            }

            Append(buffer.AsSpan(0, read));
            remaining -= read;
            onProgress?.Invoke(length - remaining);
        }
    }

    public void Dispose()
    {
        _sha256.Dispose();
        _gitSha1?.Dispose();
    }
}

internal static class FileVerifier
{
    /// <summary>
    /// Checks a digest against every expectation it has. Returns the "verified_by" list for the manifest; throws
    /// <see cref="ModelStoreError.ChecksumMismatch"/> on any difference and <see cref="ModelStoreError.MissingChecksum"/>
    /// when nothing could be checked.
    /// </summary>
    public static IReadOnlyList<string> Verify(string model, string path, FileExpectation expected, FileDigest actual)
    {
        if (expected.Size is { } size && size != actual.Size)
        {
            throw Mismatch(model, path, $"it is {actual.Size} bytes, but {expected.Sha256Source ?? "the hub"} says {size}");
        }

        var verifiedBy = new List<string>();
        if (expected.Sha256 is { } sha256)
        {
            if (!string.Equals(sha256, actual.Sha256, StringComparison.Ordinal))
            {
                throw Mismatch(model, path, $"its sha256 is {actual.Sha256}, but {expected.Sha256Source} says {sha256}");
            }

            verifiedBy.Add($"sha256:{expected.Sha256Source}");
        }

        if (expected.GitSha1 is { } gitSha1)
        {
            if (!string.Equals(gitSha1, actual.GitSha1, StringComparison.Ordinal))
            {
                throw Mismatch(model, path, $"its git blob id is {actual.GitSha1}, but the hub says {gitSha1}");
            }

            verifiedBy.Add("git-blob:hub");
        }

        return verifiedBy.Count > 0
            ? verifiedBy
            : throw new ModelStoreException(ModelStoreError.MissingChecksum, $"{model}: nothing gives a checksum for '{path}', so it cannot be verified.", path);
    }

    public static ModelStoreException Mismatch(string model, string path, string detail) =>
        new(ModelStoreError.ChecksumMismatch, $"{model}: '{path}' failed verification: {detail}. The file was not installed.", path);
}
