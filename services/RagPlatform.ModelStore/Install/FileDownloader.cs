using System.Net;
using Microsoft.Extensions.Logging;
using RagPlatform.ModelStore.Hub;

namespace RagPlatform.ModelStore.Install;

/// <summary>One file to fetch: its resolve URL, where it lands, and what it must be.</summary>
internal sealed record DownloadJob(string Model, string Path, Uri Source, string TargetPath, string Revision, FileExpectation Expected);

/// <summary>
/// Downloads one file resumably. Bytes go to "&lt;target&gt;.partial"; after a broken connection or a stall the next
/// attempt asks for the rest with a Range request and hashes what the partial already holds. The finished partial is
/// verified, fsynced and renamed into place; a wrong checksum deletes it. A retry that resumes counts as an attempt.
/// </summary>
internal sealed class FileDownloader(HubClient hub, RetryPolicy retry, ModelStoreOptions options, ILogger logger)
{
    private const int BufferSize = 1 << 20;

    public async Task<InstalledFile> DownloadAsync(DownloadJob job, IProgress<FileProgress>? progress, CancellationToken cancellationToken)
    {
        var partial = job.TargetPath + DurableFiles.PartialSuffix;
        var (digest, expected) = await retry.RunAsync($"Downloading {job.Model}/{job.Path}",
            token => TransferAsync(job, partial, progress, token), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> verifiedBy;
        try
        {
            verifiedBy = FileVerifier.Verify(job.Model, job.Path, expected, digest);
        }
        catch (ModelStoreException)
        {
            DurableFiles.DeleteQuietly(partial);
            throw;
        }

        DurableFiles.Commit(partial, job.TargetPath);
        progress?.Report(new FileProgress(job.Model, job.Path, FileStage.Installed, digest.Size, digest.Size));
        ModelStoreLog.FileInstalled(logger, job.Path, digest.Size, string.Join(", ", verifiedBy));
        return new InstalledFile(job.Path, digest.Size, digest.Sha256, verifiedBy);
    }

    /// <summary>One attempt: resumes the partial file and returns once it holds every byte, flushed to disk.</summary>
    private async Task<(FileDigest Digest, FileExpectation Expected)> TransferAsync(
        DownloadJob job, string partial, IProgress<FileProgress>? progress, CancellationToken cancellationToken)
    {
        var expected = job.Expected;
        var offset = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        if (expected.Size is { } knownSize && offset > knownSize)
        {
            Discard(partial, job.Path, $"it is longer ({offset} bytes) than the file ({knownSize} bytes)");
            offset = 0;
        }

        var hasher = new FileHasher(expected);
        try
        {
            if (offset > 0)
            {
                ModelStoreLog.Resuming(logger, job.Path, offset);
                await hasher.AppendFileAsync(partial, offset, null, cancellationToken).ConfigureAwait(false);
                if (offset == expected.Size)
                {
                    return (hasher.Finish(), expected);
                }
            }

            using var response = await hub.GetFileAsync(job.Source, offset, cancellationToken).ConfigureAwait(false);
            expected = Reconcile(job, expected, response.Headers);
            long? total;
            switch (response.Response.StatusCode)
            {
                case HttpStatusCode.PartialContent when offset > 0:
                    var range = response.Response.Content.Headers.ContentRange;
                    if (range?.From != offset)
                    {
                        Discard(partial, job.Path, $"the server resumed at byte {range?.From} instead of {offset}");
                        throw new TransientHubException($"{job.Path}: the server answered a Range request with the wrong range.");
                    }

                    total = range.Length ?? expected.Size;
                    break;
                case HttpStatusCode.OK:
                    if (offset > 0)
                    {
                        // The server ignored the Range header and sent the whole file: start over.
                        Discard(partial, job.Path, "the server does not support resuming it");
                        offset = 0;
                        hasher.Dispose();
                        hasher = new FileHasher(expected);
                    }

                    total = response.Response.Content.Headers.ContentLength ?? expected.Size;
                    break;
                case HttpStatusCode.RequestedRangeNotSatisfiable:
                    Discard(partial, job.Path, "the server refused its range");
                    throw new TransientHubException($"{job.Path}: the server refused to resume at byte {offset}.");
                default:
                    throw HubStatus.Failure(response.Response, $"Downloading {job.Model}/{job.Path}");
            }

            if (total is { } announced && expected.Size is { } size && announced != size)
            {
                throw FileVerifier.Mismatch(job.Model, job.Path, $"the server announces {announced} bytes, but the hub listing says {size}");
            }

            var limit = total ?? options.MaxFileSize;
            if (limit > options.MaxFileSize)
            {
                DurableFiles.DeleteQuietly(partial);
                throw TooLarge(job, limit);
            }

            await CopyBodyAsync(job, response.Response, partial, offset, limit, hasher, total, progress, cancellationToken).ConfigureAwait(false);
            return (hasher.Finish(), expected);
        }
        finally
        {
            hasher.Dispose();
        }
    }

    private async Task CopyBodyAsync(DownloadJob job, HttpResponseMessage response, string partial, long offset, long limit,
        FileHasher hasher, long? total, IProgress<FileProgress>? progress, CancellationToken cancellationToken)
    {
        var what = $"Downloading {job.Model}/{job.Path}";
        var buffer = new byte[BufferSize];
        var reported = offset;
        progress?.Report(new FileProgress(job.Model, job.Path, FileStage.Transferring, offset, total));
        await using var file = new FileStream(partial, offset == 0 ? FileMode.Create : FileMode.Open, FileAccess.Write, FileShare.None, 1);
        file.SetLength(offset);
        file.Seek(offset, SeekOrigin.Begin);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var start = offset;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int read;
            try
            {
                read = await hub.ReadAsync(body, buffer, idle, what, cancellationToken).ConfigureAwait(false);
            }
            catch (TransientHubException error) when (offset > start)
            {
                // The bytes already written stay in the partial: the next attempt resumes after them.
                throw new TransientHubException(error.Message, error.RetryAfter, error) { Progressed = true };
            }

            if (read == 0)
            {
                break;
            }

            if (offset + read > limit)
            {
                await file.DisposeAsync().ConfigureAwait(false);
                DurableFiles.DeleteQuietly(partial);
                throw total is null ? TooLarge(job, offset + read) : FileVerifier.Mismatch(job.Model, job.Path, $"the server sent more than the {limit} bytes it announced");
            }

            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            hasher.Append(buffer.AsSpan(0, read));
            offset += read;
            if (offset - reported >= BufferSize)
            {
                reported = offset;
                progress?.Report(new FileProgress(job.Model, job.Path, FileStage.Transferring, offset, total));
            }
        }

        if (total is { } expectedTotal && offset < expectedTotal)
        {
            throw new TransientHubException($"{what}: the connection closed after {offset} of {expectedTotal} bytes.") { Progressed = offset > start };
        }

        file.Flush(flushToDisk: true);
        progress?.Report(new FileProgress(job.Model, job.Path, FileStage.Transferring, offset, total ?? offset));
    }

    /// <summary>
    /// Folds what the hub's resolve response says into the expectation: a sha256 or size that contradicts the listing
    /// or a catalog pin stops the download before any byte is fetched; a sha256 the listing lacked is adopted.
    /// </summary>
    private static FileExpectation Reconcile(DownloadJob job, FileExpectation expected, HubFileHeaders headers)
    {
        if (headers.Commit is { } commit && ModelNames.IsGitSha1(job.Revision) && !string.Equals(commit, job.Revision, StringComparison.Ordinal))
        {
            throw new ModelStoreException(ModelStoreError.ProtocolError,
                $"{job.Model}: the hub served '{job.Path}' from commit {commit}, not the pinned {job.Revision}.", job.Path);
        }

        if (headers.LinkedSha256 is { } linked)
        {
            if (expected.Sha256 is { } sha256 && !string.Equals(sha256, linked, StringComparison.Ordinal))
            {
                throw FileVerifier.Mismatch(job.Model, job.Path, $"the hub publishes sha256 {linked} for it, but {expected.Sha256Source} says {sha256}");
            }

            expected = expected.Sha256 is null ? expected with { Sha256 = linked, Sha256Source = "hub" } : expected;
        }

        if (headers.GitOid is { } oid && expected.GitSha1 is { } gitSha1 && !string.Equals(oid, gitSha1, StringComparison.Ordinal))
        {
            throw FileVerifier.Mismatch(job.Model, job.Path, $"the hub's ETag {oid} differs from its listing's git blob id {gitSha1}");
        }

        if (headers.LinkedSize is { } linkedSize && expected.Size is { } size && linkedSize != size)
        {
            throw FileVerifier.Mismatch(job.Model, job.Path, $"the hub links {linkedSize} bytes, but expected {size}");
        }

        return expected;
    }

    private void Discard(string partial, string path, string reason)
    {
        ModelStoreLog.PartialDiscarded(logger, path, reason);
        DurableFiles.DeleteQuietly(partial);
    }

    private ModelStoreException TooLarge(DownloadJob job, long size) => new(ModelStoreError.TooLarge,
        $"{job.Model}: '{job.Path}' is {size} bytes, over the {options.MaxFileSize}-byte limit (ModelStoreOptions.MaxFileSize).", job.Path);
}
