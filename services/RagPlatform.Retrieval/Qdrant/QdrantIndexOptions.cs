using RagPlatform.Retrieval.Lexical;

namespace RagPlatform.Retrieval;

/// <summary>Settings of <see cref="QdrantIndex"/>; validated when the index is constructed.</summary>
public sealed record QdrantIndexOptions
{
    /// <summary>The REST endpoint, e.g. http://localhost:6333/.</summary>
    public Uri? BaseAddress { get; init; }

    /// <summary>Sent as the api-key header when set.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The k of reciprocal rank fusion (standard form: 1 / (k + rank), rank from 1).</summary>
    public int RrfK { get; init; } = 60;

    /// <summary>How many hits each prefetch contributes to hybrid fusion (at least the search limit).</summary>
    public int HybridCandidates { get; init; } = 100;

    /// <summary>
    /// BM25 parameters of the document-side sparse weights. Qdrant supplies the idf (modifier "idf"); the length
    /// normalisation uses <see cref="AssumedAverageDocumentLength"/> because the client cannot know the true average.
    /// </summary>
    public Bm25Parameters Bm25 { get; init; } = new();

    /// <summary>Analysed terms per chunk assumed on average by the sparse weights' length normalisation.</summary>
    public double AssumedAverageDocumentLength { get; init; } = 100;

    /// <summary>One upsert is one Qdrant request (so one atomic operation); larger batches are refused.</summary>
    public int MaxBatchSize { get; init; } = 1_000;

    public void Validate()
    {
        if (BaseAddress is not { IsAbsoluteUri: true } address || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("QdrantIndexOptions.BaseAddress must be an absolute http(s) URI.", nameof(BaseAddress));
        }

        ArgumentNullException.ThrowIfNull(Bm25);
        Bm25.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(RrfK, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(HybridCandidates, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HybridCandidates, IndexValidation.MaxLimit);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1);
        if (!(AssumedAverageDocumentLength >= 1 && double.IsFinite(AssumedAverageDocumentLength)))
        {
            throw new ArgumentOutOfRangeException(nameof(AssumedAverageDocumentLength), AssumedAverageDocumentLength, "Must be at least 1.");
        }
    }
}

/// <summary>Qdrant answered with an error status; <see cref="Exception.Message"/> carries Qdrant's own message.</summary>
public sealed class QdrantException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
