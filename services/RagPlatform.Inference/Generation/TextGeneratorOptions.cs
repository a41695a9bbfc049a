using RagPlatform.Onnx;

namespace RagPlatform.Inference.Generation;

/// <summary>Settings of a <see cref="TextGenerator"/>; bindable from configuration, validated when it opens.</summary>
public sealed record TextGeneratorOptions
{
    public InferenceSessionOptions Session { get; init; } = new();

    /// <summary>Caps the context window (prompt plus output) below the model's max_position_embeddings; null keeps the model's.</summary>
    public int? ContextWindow { get; init; }

    public void Validate()
    {
        Session.Validate();
        if (ContextWindow is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(ContextWindow), ContextWindow, "Must be at least 2 tokens.");
        }
    }
}
