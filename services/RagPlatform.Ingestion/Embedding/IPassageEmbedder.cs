using RagPlatform.Inference.Embeddings;

namespace RagPlatform.Ingestion.Embedding;

/// <summary>The ingestion side of the embedder: chunk texts in, one vector per text out, in order.</summary>
public interface IPassageEmbedder
{
    int Dimensions { get; }

    /// <summary>Sequence limit of the model, special tokens included; chunks are sized to fit it.</summary>
    int MaxTokens { get; }

    Task<IReadOnlyList<float[]>> EmbedPassagesAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}

/// <summary>In-process adapter over <see cref="TextEmbedder"/> (a gRPC one over the embedder service can stand beside it).</summary>
public sealed class TextEmbedderPassageEmbedder(TextEmbedder embedder) : IPassageEmbedder
{
    public int Dimensions => embedder.Dimensions;

    public int MaxTokens => embedder.MaxTokens;

    public Task<IReadOnlyList<float[]>> EmbedPassagesAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        // The ONNX run is CPU-bound and synchronous: off the caller's thread so the queue's timeouts stay responsive.
        Task.Run<IReadOnlyList<float[]>>(
            () => [.. embedder.Embed(texts, EmbeddingRole.Passage, cancellationToken).Select(e => e.Vector)], cancellationToken);
}

/// <summary>
/// Thrown by an <see cref="IPassageEmbedder"/> when the embedding service cannot be reached right now. The pipeline
/// puts the document back in the queue instead of failing it: the outage is not the document's fault.
/// </summary>
public sealed class DependencyUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
