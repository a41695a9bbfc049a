using Grpc.Core;
using Microsoft.Extensions.AI;
using RagPlatform.Contracts.V1;

namespace RagPlatform.AI;

/// <summary>
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over rag.v1.Embedder: one Embed call per batch, vectors
/// L2-normalised by the server. The role (query or passage) is this instance's, because MEAI has no notion of it;
/// register one generator per role when an asymmetric model needs both.
/// </summary>
public sealed class PlatformEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Embedder.EmbedderClient _embedder;
    private readonly EmbedRole _role;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public PlatformEmbeddingGenerator(Embedder.EmbedderClient embedder, EmbedRole role = EmbedRole.Passage, Uri? serviceAddress = null,
        string? modelId = null, int? dimensions = null)
    {
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        _role = role;
        _metadata = new EmbeddingGeneratorMetadata("ragplatform", serviceAddress, modelId, dimensions);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var request = new EmbedRequest { Role = _role };
        request.Texts.AddRange(values);
        if (request.Texts.Count == 0)
        {
            return [];
        }

        if (options?.Dimensions is { } wanted && _metadata.DefaultModelDimensions is { } actual && wanted != actual)
        {
            throw new NotSupportedException($"The embedder returns {actual}-dimensional vectors; {wanted} were requested.");
        }

        var response = await _embedder.EmbedAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        var created = DateTimeOffset.UtcNow;
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(response.Embeddings.Count);
        var inputTokens = 0;
        foreach (var embedding in response.Embeddings)
        {
            inputTokens += embedding.TokenCount;
            embeddings.Add(new Embedding<float>(embedding.Values.ToArray())
            {
                ModelId = response.ModelId,
                CreatedAt = created,
            });
        }

        embeddings.Usage = new UsageDetails { InputTokenCount = inputTokens, TotalTokenCount = inputTokens };
        return embeddings;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType == typeof(Embedder.EmbedderClient) ? _embedder
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Nothing to release: the channel belongs to whoever created it (DI, when registered there).</summary>
    public void Dispose()
    {
    }
}
