using RagPlatform.ModelHosting;
using RagPlatform.ModelHosting.Batching;

namespace RagPlatform.Reranker;

/// <summary>Settings of the reranker service, section "Reranker" (environment: Reranker__MaxPassages etc.).</summary>
public sealed class RerankerOptions : ModelServiceOptions
{
    public const string SectionName = "Reranker";

    /// <summary>Most (query, passage) pairs in one model run; pairs of similar length run together.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Most pairs scored in one batch, gathered across concurrent calls (each call's pairs stay together unless larger).</summary>
    public int MaxPairsPerBatch { get; set; } = 128;

    /// <summary>
    /// How long the first queued pair waits for other calls to join its batch. Default 0: calls that arrive while a
    /// batch runs form the next one, so concurrent asks share runs without a lone ask waiting for company.
    /// </summary>
    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.Zero;

    /// <summary>Batches scored at once; the rest wait their turn. 1 suits a 2-core machine: ORT already uses IntraOpThreads per run.</summary>
    public int MaxConcurrentBatches { get; set; } = 1;

    /// <summary>Passages one call may send; more → RESOURCE_EXHAUSTED.</summary>
    public int MaxPassages { get; set; } = 1_000;

    /// <summary>Characters the query or one passage may have; more → INVALID_ARGUMENT.</summary>
    public int MaxCharactersPerText { get; set; } = 100_000;

    /// <summary>The batcher's share of these settings.</summary>
    public BatchingOptions Batching() => new(MaxPairsPerBatch, MaxBatchWait, MaxConcurrentBatches);

    public override IEnumerable<string> Validate(string section)
    {
        foreach (var failure in base.Validate(section))
        {
            yield return failure;
        }

        if (MaxBatchSize is < 1 or > 4096)
        {
            yield return $"{section}:MaxBatchSize must be 1 to 4096 (was {MaxBatchSize}).";
        }

        if (MaxPairsPerBatch is < 1 or > 65_536)
        {
            yield return $"{section}:MaxPairsPerBatch must be 1 to 65536 (was {MaxPairsPerBatch}).";
        }

        if (MaxBatchWait < TimeSpan.Zero || MaxBatchWait > TimeSpan.FromSeconds(1))
        {
            yield return $"{section}:MaxBatchWait must be 0 to 1 second (was {MaxBatchWait}).";
        }

        if (MaxConcurrentBatches is < 1 or > 64)
        {
            yield return $"{section}:MaxConcurrentBatches must be 1 to 64 (was {MaxConcurrentBatches}).";
        }

        if (MaxPassages < 1)
        {
            yield return $"{section}:MaxPassages must be positive (was {MaxPassages}).";
        }

        if (MaxCharactersPerText < 1)
        {
            yield return $"{section}:MaxCharactersPerText must be positive (was {MaxCharactersPerText}).";
        }
    }
}
