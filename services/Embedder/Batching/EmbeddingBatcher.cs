using Microsoft.Extensions.Logging;
using RagPlatform.Inference.Embeddings;
using RagPlatform.ModelHosting;
using RagPlatform.ModelHosting.Batching;

namespace RagPlatform.Embedder.Batching;

/// <summary>Runs one model run: texts of one role, in order, one embedding each.</summary>
internal delegate IReadOnlyList<Embedding> EmbedBatch(IReadOnlyList<string> texts, EmbeddingRole role, CancellationToken cancellationToken);

/// <summary>
/// The embedder's texts through the shared <see cref="ModelBatcher{TItem, TResult}"/>: concurrent calls are batched
/// together, and a batch is split by role and into length-sorted runs so short texts are not padded to the longest one.
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

    private static RunBatch<(string Text, EmbeddingRole Role), Embedding> Run(EmbedBatch embed) =>
        (items, cancellationToken) =>
        {
            var results = new Embedding[items.Count];
            foreach (var group in Enumerable.Range(0, items.Count).GroupBy(i => items[i].Role))
            {
                foreach (var run in LengthSortedRuns(group, i => items[i].Text.Length))
                {
                    var embeddings = embed([.. run.Select(i => items[i].Text)], group.Key, cancellationToken);
                    for (var j = 0; j < run.Count; j++)
                    {
                        results[run[j]] = embeddings[j];
                    }
                }
            }

            return results;
        };

    /// <summary>
    /// Items sorted by length and cut where the next one is over twice the run's shortest (plus slack for special
    /// tokens): padding stays under about half of each run while short texts still share a run.
    /// </summary>
    private static IEnumerable<List<int>> LengthSortedRuns(IEnumerable<int> items, Func<int, int> length)
    {
        var run = new List<int>();
        foreach (var item in items.OrderBy(length))
        {
            if (run.Count > 0 && length(item) > (2 * length(run[0])) + 64)
            {
                yield return run;
                run = [];
            }

            run.Add(item);
        }

        if (run.Count > 0)
        {
            yield return run;
        }
    }
}
