using RagPlatform.Inference.Embeddings;
using RagPlatform.Ingestion.Embedding;

namespace RagPlatform.Testing;

/// <summary>
/// The ingestion pipeline's embedder seam over an in-process <see cref="TextEmbedder"/>, for the ingestion tests and
/// benchmark (the platform itself embeds through the Embedder service: RagPlatform.Ingestion has no model code).
/// </summary>
public sealed class TextEmbedderPassageEmbedder(TextEmbedder embedder) : IPassageEmbedder
{
    public int Dimensions => embedder.Dimensions;

    public int MaxTokens => embedder.MaxTokens;

    public Task<IReadOnlyList<float[]>> EmbedPassagesAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        // The ONNX run is CPU-bound and synchronous: off the caller's thread so the queue's timeouts stay responsive.
        Task.Run<IReadOnlyList<float[]>>(
            () => [.. embedder.Embed(texts, EmbeddingRole.Passage, cancellationToken).Select(e => e.Vector)], cancellationToken);
}
