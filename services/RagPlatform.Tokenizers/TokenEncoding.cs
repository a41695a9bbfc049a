namespace RagPlatform.Tokenizers;

/// <summary>Where a token came from: a UTF-16 range [Start, End) of the ORIGINAL input; (0, 0) for inserted special tokens.</summary>
public readonly record struct TokenOffset(int Start, int End);

/// <summary>One encoded sequence (or pair), ready to be fed to a model.</summary>
/// <param name="Ids">Token ids, special tokens included.</param>
/// <param name="TypeIds">Segment ids: 0 for the first sequence, 1 for the second (BERT token_type_ids).</param>
/// <param name="Offsets">Per-token source range in the original text; for pairs, into whichever text the token came from.</param>
/// <param name="SequenceIds">Per token: 0 or 1 for the sequence it came from, -1 for an inserted special token.</param>
/// <param name="OverflowCount">How many tokens truncation removed; 0 when nothing was cut.</param>
public sealed record TokenEncoding(
    IReadOnlyList<int> Ids,
    IReadOnlyList<int> TypeIds,
    IReadOnlyList<TokenOffset> Offsets,
    IReadOnlyList<int> SequenceIds,
    int OverflowCount)
{
    public int Length => Ids.Count;

    public bool Truncated => OverflowCount > 0;
}
