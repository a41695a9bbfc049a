using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;

namespace RagPlatform.Inference.Embeddings;

/// <summary>Settings of a <see cref="TextEmbedder"/>; bindable from configuration, validated when the embedder opens.</summary>
public sealed record TextEmbedderOptions
{
    public InferenceSessionOptions Session { get; init; } = new();

    /// <summary>Most texts per ONNX run; a larger request is split into runs of this size.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>
    /// Runs texts of similar length together (<see cref="Batching.LengthBuckets"/>) instead of padding each run of
    /// MaxBatchSize texts, in request order, to its longest. Vectors are the same either way; false is for measuring.
    /// </summary>
    public bool BucketByLength { get; init; } = true;

    /// <summary>Token limit per text (special tokens included); null uses the model's own limit.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Overrides the pooling of the model directory (which defaults to mean when it has no 1_Pooling config).</summary>
    public PoolingMode? Pooling { get; init; }

    /// <summary>Scale every vector to unit length (sentence-transformers' Normalize module), so dot product is cosine.</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Overrides the query/passage prefixes of the model directory.</summary>
    public EmbeddingPrefixes? Prefixes { get; init; }

    public void Validate()
    {
        Session.Validate();
        if (MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "Must be at least 1.");
        }

        if (MaxTokens is < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "Must leave room for special tokens and text (at least 3).");
        }

        if (Pooling is { } pooling && !Enum.IsDefined(pooling))
        {
            throw new ArgumentOutOfRangeException(nameof(Pooling), pooling, "Unknown pooling mode.");
        }
    }
}

/// <summary>Which side of retrieval a text is on; selects the model's prefix.</summary>
public enum EmbeddingRole
{
    Passage,
    Query,
}

/// <summary>One text's embedding, with how many tokens the model saw and whether the text was cut to fit.</summary>
public sealed record Embedding(float[] Vector, int TokenCount, bool Truncated);
