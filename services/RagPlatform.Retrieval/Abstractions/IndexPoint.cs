namespace RagPlatform.Retrieval;

/// <summary>One stored chunk: its id (derived by the caller from content), dense vector, text and payload.</summary>
public sealed record IndexPoint
{
    public required string Id { get; init; }

    /// <summary>
    /// The dense vector. Indexes store it L2-normalised (cosine), so a read returns the normalised form.
    /// </summary>
    public required float[] Vector { get; init; }

    /// <summary>The chunk text; lexical search runs over it.</summary>
    public string Text { get; init; } = "";

    public IReadOnlyDictionary<string, PayloadValue> Payload { get; init; } = PayloadValue.EmptyPayload;
}

public enum SearchMode
{
    Dense,
    Lexical,
    /// <summary>Reciprocal rank fusion of the dense and the lexical ranking.</summary>
    Hybrid,
}

public sealed record SearchRequest
{
    public SearchMode Mode { get; init; } = SearchMode.Dense;

    /// <summary>Required for Dense and Hybrid.</summary>
    public float[]? Vector { get; init; }

    /// <summary>Required for Lexical and Hybrid.</summary>
    public string? Text { get; init; }

    /// <summary>1..1000.</summary>
    public int Limit { get; init; } = 10;

    public PointFilter? Filter { get; init; }

    /// <summary>Hits scoring below this are dropped (cosine, BM25 or fused score, by mode).</summary>
    public float? ScoreThreshold { get; init; }
}

/// <param name="Score">Cosine similarity (Dense), BM25 score (Lexical) or fused RRF score (Hybrid).</param>
public sealed record SearchHit(string Id, float Score, string Text, IReadOnlyDictionary<string, PayloadValue> Payload);
