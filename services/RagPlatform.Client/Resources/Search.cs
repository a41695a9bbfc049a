namespace RagPlatform.Client;

/// <summary>
/// The body of POST /v1/collections/{collection}/search: the passages that best match <paramref name="Query"/>, found as an
/// answer finds them (retrieval, then the reranker), with no answer written. Fields left null take the gateway's defaults.
/// </summary>
public sealed record SearchRequest(string Query)
{
    /// <summary>Passages returned (default 5; at most the orchestrator's Answering:MaxTopK, 100).</summary>
    public int? K { get; init; }

    /// <summary>hybrid (default), dense or lexical; <see cref="RetrievalModes"/>.</summary>
    public string? Mode { get; init; }

    /// <summary>Search only these documents.</summary>
    public IReadOnlyList<string>? DocumentIds { get; init; }

    /// <summary>False keeps retrieval order (no reranker); default true.</summary>
    public bool? Rerank { get; init; }
}

/// <summary>A passage found by a search, best first.</summary>
/// <param name="Rank">Its place in the result, from 1.</param>
/// <param name="Section">The section path joined with " &gt; ".</param>
/// <param name="Start">Offset of the passage in the document's extracted text; <paramref name="End"/> is past its end.</param>
/// <param name="Score">The reranker's score when reranked, else the retrieval's.</param>
public sealed record PassageResource(
    int Rank,
    string DocumentId,
    string Section,
    IReadOnlyList<string> SectionPath,
    int Start,
    int End,
    string Text,
    float Score,
    string? Title,
    string ChunkId);

/// <summary>What a search found, and how: stages degraded (their service failed) or skipped on purpose (a forged reranker).</summary>
/// <param name="ForgedModels">A model with forged (seeded random) weights shaped the result: its order or scores are noise.</param>
public sealed record SearchResult(IReadOnlyList<PassageResource> Passages, IReadOnlyList<string> Degraded, IReadOnlyList<SkippedStage> Skipped, bool ForgedModels);
