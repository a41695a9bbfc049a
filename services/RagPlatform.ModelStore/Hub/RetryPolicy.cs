using Microsoft.Extensions.Logging;

namespace RagPlatform.ModelStore.Hub;

/// <summary>A failure worth retrying: the connection broke, a timeout fired, or the hub said 408, 429 or 5xx.</summary>
internal sealed class TransientHubException(string message, TimeSpan? retryAfter = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The hub's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The failed attempt still moved a download forward (its bytes are kept for the resume).</summary>
    public bool Progressed { get; init; }
}

/// <summary>
/// Bounded retries with exponential backoff and jitter. Only <see cref="TransientHubException"/> is retried; every
/// other failure (404, a checksum mismatch, a full disk, cancellation) ends the operation at once. The budget counts
/// consecutive failures that made no progress: a 2 GB download on a link that drops every few hundred megabytes
/// keeps resuming, while one that fails at the same byte gives up after <see cref="ModelStoreOptions.MaxRetries"/>.
/// </summary>
internal sealed class RetryPolicy(ModelStoreOptions options, TimeProvider time, ILogger logger)
{
    public async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            try
            {
                return await action(cancellationToken).ConfigureAwait(false);
            }
            catch (TransientHubException error)
            {
                failures = error.Progressed ? 1 : failures + 1;
                if (failures > options.MaxRetries)
                {
                    throw new ModelStoreException(ModelStoreError.HubUnavailable,
                        $"{what} failed {failures} time(s) in a row: {error.Message}", innerException: error);
                }

                var delay = Backoff(failures, error.RetryAfter);
                ModelStoreLog.Retrying(logger, what, failures, options.MaxRetries, (long)delay.TotalMilliseconds, error.Message);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// base * 2^(attempt-1), capped, then scaled by a random factor in [0.5, 1] so many clients do not retry in
    /// step; a Retry-After from the hub is honoured up to the cap.
    /// </summary>
    internal TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var exponential = options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, options.RetryMaxDelay.TotalMilliseconds);
        var delay = TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
        if (retryAfter is { } hinted && hinted > delay)
        {
            delay = hinted < options.RetryMaxDelay ? hinted : options.RetryMaxDelay;
        }

        return delay;
    }
}
