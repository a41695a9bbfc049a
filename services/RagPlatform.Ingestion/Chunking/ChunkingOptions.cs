namespace RagPlatform.Ingestion.Chunking;

public sealed record ChunkingOptions
{
    /// <summary>Most tokens in one chunk, special tokens excluded (the embedder adds its own [CLS]/[SEP]).</summary>
    public int TargetTokens { get; init; } = 256;

    /// <summary>Tokens of whole sentences or paragraphs repeated from the end of the previous chunk of a section.</summary>
    public int OverlapTokens { get; init; } = 32;

    /// <param name="embedderMaxTokens">The embedder's sequence limit, special tokens included.</param>
    public void Validate(int embedderMaxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(TargetTokens, 8);
        ArgumentOutOfRangeException.ThrowIfNegative(OverlapTokens);
        if (OverlapTokens >= TargetTokens / 2)
        {
            throw new ArgumentException($"OverlapTokens ({OverlapTokens}) must be under half of TargetTokens ({TargetTokens}).");
        }

        if (TargetTokens + 2 > embedderMaxTokens)
        {
            throw new ArgumentException($"TargetTokens ({TargetTokens}) plus 2 special tokens exceeds the embedder's {embedderMaxTokens}.");
        }
    }
}

/// <summary>One passage to embed and cite: [Start, End) indexes the document text, so Text == text[Start..End].</summary>
public sealed record DocumentChunk(
    string Id,
    string DocumentId,
    int Ordinal,
    string Text,
    int Start,
    int End,
    IReadOnlyList<string> SectionPath,
    int TokenCount,
    IReadOnlyDictionary<string, string> Metadata);
