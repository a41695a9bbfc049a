using Microsoft.Extensions.Logging;
using RagPlatform.Inference.Embeddings;
using RagPlatform.ModelHosting;
using RagPlatform.ModelHosting.Batching;

namespace RagPlatform.Embedder.Batching;

/// <summary>Embeds texts of one role, in order, one embedding each.</summary>
internal delegate IReadOnlyList<Embedding> EmbedBatch(IReadOnlyList<string> texts, EmbeddingRole role, CancellationToken cancellationToken);

/// <summary>
/// The embedder's texts through the shared <see cref="ModelBatcher{TItem, TResult}"/>: concurrent calls are batched
/// together and a batch is split by role (the embedder then runs texts of similar length together).
/// </summary>
internal sealed class EmbeddingBatcher : IAsyncDisposable
{
    private readonly ModelBatcher<(string Text, EmbeddingRole Role), Embedding> _batcher;

    public EmbeddingBatcher(EmbedBatch embed, BatchingOptions options, ModelServiceMetrics metrics, ILogger<EmbeddingBatcher> logger) =>
        _batcher = new(Run(embed), options, metrics, logger, "Embedded", "texts");

    /// <summary>Texts waiting for a batch.</summary>
    public int QueueDepth => _batcher.QueueDepth;

    /// <summary>One embedding per text, in order. Cancelling drops the call's texts that have not reached the model.</summary>
    public Task<Embedding[]> EmbedAsync(IReadOnlyList<string> texts, EmbeddingRole role, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return _batcher.SubmitAsync([.. texts.Select(t => (t, role))], cancellationToken);
    }

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();

    /// <summary>A batch split by role; the embedder runs each role's texts in length buckets of its own.</summary>
    private static RunBatch<(string Text, EmbeddingRole Role), Embedding> Run(EmbedBatch embed) =>
        (items, cancellationToken) =>
        {
            var results = new Embedding[items.Count];
            foreach (var group in Enumerable.Range(0, items.Count).GroupBy(i => items[i].Role))
            {
                var indices = group.ToArray();
                var embeddings = embed([.. indices.Select(i => items[i].Text)], group.Key, cancellationToken);
                for (var j = 0; j < indices.Length; j++)
                {
                    results[indices[j]] = embeddings[j];
                }
            }

            return results;
        };
}
