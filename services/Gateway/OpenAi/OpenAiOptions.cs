namespace RagPlatform.Gateway.OpenAi;

/// <summary>
/// Limits of the OpenAI-compatible API under /openai/v1, section "OpenAi" (environment: OpenAi__MaxEmbeddingInputs
/// etc.). A request over one is refused with 400 naming the field, before any model is called.
/// </summary>
public sealed class OpenAiOptions
{
    public const string SectionName = "OpenAi";

    /// <summary>Largest request body on these routes (embeddings and rerank carry many texts; other routes keep Gateway:MaxJsonBodyBytes).</summary>
    public int MaxBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Texts one embeddings call may carry (the embedder's own per-call limit is 256 by default).</summary>
    public int MaxEmbeddingInputs { get; set; } = 256;

    /// <summary>Characters of one embeddings input, one rerank document or query, or one chat message.</summary>
    public int MaxInputCharacters { get; set; } = 100_000;

    /// <summary>Documents one rerank call may carry (the reranker's own limit is 1,000 by default).</summary>
    public int MaxRerankDocuments { get; set; } = 1_000;

    /// <summary>Messages one chat completion may carry.</summary>
    public int MaxMessages { get; set; } = 64;

    /// <summary>How long the model ids of the embedder, reranker and generator are trusted before they are asked again.</summary>
    public TimeSpan ModelCatalogLifetime { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new[]
        {
            (nameof(MaxBodyBytes), MaxBodyBytes), (nameof(MaxEmbeddingInputs), MaxEmbeddingInputs), (nameof(MaxInputCharacters), MaxInputCharacters),
            (nameof(MaxRerankDocuments), MaxRerankDocuments), (nameof(MaxMessages), MaxMessages),
        })
        {
            if (value < 1)
            {
                yield return $"{SectionName}:{name} must be positive (was {value}).";
            }
        }

        if (ModelCatalogLifetime <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:ModelCatalogLifetime must be positive (was {ModelCatalogLifetime}).";
        }
    }
}
