namespace RagPlatform.Embedder.Batching;

/// <summary>The batcher's share of <see cref="EmbedderOptions"/>.</summary>
internal sealed record BatchingOptions(int MaxBatchSize, TimeSpan MaxBatchWait, int MaxConcurrentBatches)
{
    public static BatchingOptions From(EmbedderOptions options) =>
        new(options.MaxBatchSize, options.MaxBatchWait, options.MaxConcurrentBatches);
}
