namespace RagPlatform.Ingestion.Embedding;

/// <summary>The ingestion side of the embedder: chunk texts in, one vector per text out, in order.</summary>
public interface IPassageEmbedder
{
    int Dimensions { get; }

    /// <summary>Sequence limit of the model, special tokens included; chunks are sized to fit it.</summary>
    int MaxTokens { get; }

    Task<IReadOnlyList<float[]>> EmbedPassagesAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}

/// <summary>
/// Thrown by an <see cref="IPassageEmbedder"/> when the embedding service cannot be reached right now. The pipeline
/// puts the document back in the queue instead of failing it: the outage is not the document's fault.
/// </summary>
public sealed class DependencyUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
