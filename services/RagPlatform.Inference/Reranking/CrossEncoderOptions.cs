using RagPlatform.Inference.Runtime;

namespace RagPlatform.Inference.Reranking;

/// <summary>Settings of a <see cref="CrossEncoder"/>; bindable from configuration, validated when it opens.</summary>
public sealed record CrossEncoderOptions
{
    public InferenceSessionOptions Session { get; init; } = new();

    /// <summary>Most pairs per ONNX run; a larger request is split into runs of this size.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>
    /// Runs pairs of similar length together (<see cref="Batching.LengthBuckets"/>) instead of padding each run of
    /// MaxBatchSize pairs, in request order, to its longest. Scores are the same either way; false is for measuring.
    /// </summary>
    public bool BucketByLength { get; init; } = true;

    /// <summary>Token limit per pair (special tokens included); null uses the model's own limit.</summary>
    public int? MaxTokens { get; init; }

    public void Validate()
    {
        Session.Validate();
        if (MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "Must be at least 1.");
        }

        if (MaxTokens is < 4)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "Must leave room for special tokens, a query and a passage (at least 4).");
        }
    }
}

/// <summary>The relevance of one (query, passage) pair: the model's logit, or its sigmoid when asked for.</summary>
/// <param name="Truncated">The passage was cut to fit the token limit (the query never is).</param>
public sealed record PairScore(float Score, int TokenCount, bool Truncated);
