namespace RagPlatform.Tokenizers;

/// <summary>Ids of a tokenizer's role tokens; null when the model has no such token.</summary>
public sealed record SpecialTokenIds
{
    public int? Cls { get; init; }

    public int? Sep { get; init; }

    public int? Pad { get; init; }

    public int? Unk { get; init; }

    public int? Mask { get; init; }

    public int? Bos { get; init; }

    /// <summary>Every id that ends generation (tokenizer eos first, then generation_config's eos_token_id list).</summary>
    public IReadOnlyList<int> Eos { get; init; } = [];

    /// <summary>All ids flagged special (skipped by Decode with skipSpecialTokens).</summary>
    public IReadOnlySet<int> All { get; init; } = new HashSet<int>();
}
