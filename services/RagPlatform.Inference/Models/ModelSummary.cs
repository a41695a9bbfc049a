namespace RagPlatform.Inference.Models;

/// <summary>What a loaded pipeline reports about its model (the model services' Info call).</summary>
/// <param name="MaxTokens">Longest input (embedder, cross-encoder) or context window (generator), in tokens.</param>
/// <param name="Dimensions">Embedding size; 0 for models that do not embed.</param>
public sealed record ModelSummary(
    string ModelId,
    string Architecture,
    bool Forged,
    int MaxTokens,
    int Dimensions,
    int VocabularySize,
    string OnnxPath)
{
    /// <summary>Where the model runs: "cpu" or "cuda:N" (ModelInfo.device).</summary>
    public string Device { get; init; } = "cpu";
}
