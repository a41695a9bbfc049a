using System.Security.Cryptography;

namespace RagPlatform.ModelStore.NuGet;

/// <summary>SHA-512 of whole packages in NuGet's own form: base64 of the 64-byte digest.</summary>
internal static class NuGetHashes
{
    public static bool IsSha512(string? value)
    {
        if (value is not { Length: 88 })
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[66];
        return Convert.TryFromBase64String(value, digest, out var written) && written == 64;
    }

    public static async Task<(string Sha512, long Size)> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var digest = await SHA512.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return (Convert.ToBase64String(digest), stream.Length);
    }
}

/// <summary>
/// The file a package download is written to: bytes are hashed (SHA-512) and counted as they pass, and a feed that
/// sends more than the pinned size is cut off before the disk fills.
/// </summary>
internal sealed class HashingFileStream(string path, long limit, Action<long>? onProgress) : Stream
{
    private const long ReportEvery = 1 << 20;
    private readonly FileStream _file = new(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
    private readonly IncrementalHash _sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
    private long _written;
    private long _reported;

    /// <summary>Set when the feed sent more than the limit; a feed client may wrap the exception that said so.</summary>
    public bool Overflowed { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    /// <summary>What was written so far (NuGet's folder feeds check the copy's length).</summary>
    public override long Length => _written;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    /// <summary>Flushes to disk and returns the base64 SHA-512 of everything written.</summary>
    public string Finish()
    {
        _file.Flush(flushToDisk: true);
        return Convert.ToBase64String(_sha512.GetHashAndReset());
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Count(buffer);
        _file.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Count(buffer.Span);
        await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => _file.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _file.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            _sha512.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync().ConfigureAwait(false);
        _sha512.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Count(ReadOnlySpan<byte> buffer)
    {
        if (_written + buffer.Length > limit)
        {
            Overflowed = true;
            throw new IOException($"More than the pinned {limit} bytes arrived.");
        }

        _sha512.AppendData(buffer);
        _written += buffer.Length;
        if (_written - _reported >= ReportEvery)
        {
            _reported = _written;
            onProgress?.Invoke(_written);
        }
    }
}
