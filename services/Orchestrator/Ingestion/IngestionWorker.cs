using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RagPlatform.Ingestion.Pipeline;
using RagPlatform.Storage;

namespace RagPlatform.Orchestrator.Ingestion;

/// <summary>
/// Drains the durable ingestion queue for the life of the process: after start-up (picking up what a crash left, and
/// first deleting stored files a crash left without a document),
/// on every upload, and every few seconds (work queued through another replica, leases expired). An embedder outage
/// pauses it for <see cref="IngestionSettings.RetryDelay"/>; a pass that fails outright (the database is down, the disk is
/// full) pauses it for RetryDelay doubled on each failure in a row, up to <see cref="IngestionSettings.MaxRetryDelay"/>.
/// Nothing is lost meanwhile: documents stay queued.
/// </summary>
internal sealed class IngestionWorker(DocumentLibrary library, IngestionSettings settings, ILogger<IngestionWorker> logger) : BackgroundService
{
    /// <summary>Polls this often even without a signal, so work queued by an earlier process is never forgotten.</summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RemoveOrphanedFilesAsync(stoppingToken);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var pause = IdlePoll;
            try
            {
                if (await library.Documents.HasPendingAsync(stoppingToken))
                {
                    var pipeline = await library.PipelineAsync(stoppingToken);
                    var results = await pipeline.ProcessQueueAsync(stoppingToken);
                    OrchestratorLog.IngestionPass(logger, results.Count, results.Count(r => r.Outcome == IngestionOutcome.Indexed),
                        results.Count(r => r.Outcome == IngestionOutcome.Failed));
                    pause = results.Any(r => r.Outcome == IngestionOutcome.Deferred) ? settings.RetryDelay : TimeSpan.Zero;
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database or the embedder is unreachable, the disk is full, the index is gone: wait and try again; the queue holds.
                pause = settings.RetryDelayAfter(++failures);
                OrchestratorLog.IngestionPaused(logger, pause.TotalSeconds, ex.Message);
            }

            if (pause > TimeSpan.Zero)
            {
                try
                {
                    await library.WaitForWorkAsync(pause, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task RemoveOrphanedFilesAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (await library.RemoveOrphanedFilesAsync(stoppingToken) is > 0 and var removed)
            {
                OrchestratorLog.OrphanedFilesRemoved(logger, removed);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or StoreUnavailableException)
        {
            // Orphans cost disk space, not correctness: the service runs on and the next start tries again.
            OrchestratorLog.OrphanSweepFailed(logger, ex.Message);
        }
    }
}
