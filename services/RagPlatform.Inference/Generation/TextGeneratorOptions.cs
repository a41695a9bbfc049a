using RagPlatform.Inference.Runtime;

namespace RagPlatform.Inference.Generation;

/// <summary>Settings of a <see cref="TextGenerator"/>; bindable from configuration, validated when it opens.</summary>
public sealed record TextGeneratorOptions
{
    public InferenceSessionOptions Session { get; init; } = new();

    /// <summary>Caps the context window (prompt plus output) below the model's max_position_embeddings; null keeps the model's.</summary>
    public int? ContextWindow { get; init; }

    /// <summary>
    /// Prompt tokens fed per forward pass when prefilling; null sizes chunks so one pass's logits (tokens × vocabulary
    /// floats) stay under 64 MiB for a model that returns logits for every fed position (Optimum's export), and feeds
    /// 512-token passes to one whose head returns the last position only. Only the last row is used, so the chunk size
    /// bounds memory and sets the pass size, not the result.
    /// </summary>
    public int? PrefillChunkTokens { get; init; }

    public void Validate()
    {
        Session.Validate();
        if (PrefillChunkTokens is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PrefillChunkTokens), PrefillChunkTokens, "Must be at least 1 token.");
        }

        if (ContextWindow is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(ContextWindow), ContextWindow, "Must be at least 2 tokens.");
        }
    }
}
