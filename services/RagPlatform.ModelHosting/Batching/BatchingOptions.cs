namespace RagPlatform.ModelHosting.Batching;

/// <summary>How a <see cref="ModelBatcher{TItem, TResult}"/> gathers items across calls.</summary>
/// <param name="MaxBatchSize">Most items in one batch.</param>
/// <param name="MaxBatchWait">How long the first queued item waits for others to join its batch.</param>
/// <param name="MaxConcurrentBatches">Batches run at once.</param>
public sealed record BatchingOptions(int MaxBatchSize, TimeSpan MaxBatchWait, int MaxConcurrentBatches);
