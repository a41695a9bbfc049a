namespace RagPlatform.Tokenizers;

/// <summary>
/// What every tokenizer shares: split on added tokens, encode each plain section (the one part a model
/// overrides), truncate with Hugging Face's strategies and apply the post-processor template.
/// </summary>
internal abstract class TokenizerBase : ITokenizer
{
    private readonly PostProcessorTemplate _template;
    private readonly string?[] _idToToken;
    private readonly Dictionary<string, int> _tokenToId;

    protected TokenizerBase(TokenizerParts parts)
    {
        AddedVocabulary = parts.AddedVocabulary;
        _template = parts.Template;
        _tokenToId = parts.TokenToId;
        SpecialTokens = parts.SpecialTokens;
        ModelMaxLength = parts.ModelMaxLength;
        _idToToken = new string?[_tokenToId.Count == 0 ? 0 : _tokenToId.Values.Max() + 1];
        foreach (var (token, id) in _tokenToId)
        {
            _idToToken[id] = token;
        }

        VocabularySize = _tokenToId.Values.Distinct().Count();
    }

    public int VocabularySize { get; }

    public int ModelMaxLength { get; }

    public SpecialTokenIds SpecialTokens { get; }

    protected AddedVocabulary AddedVocabulary { get; }

    public TokenEncoding Encode(string text, bool addSpecialTokens = true, int? maxLength = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = EncodeText(text);
        var overflow = 0;
        if (maxLength is { } max)
        {
            var budget = Budget(max, pair: false, addSpecialTokens);
            overflow = Math.Max(0, tokens.Count - budget);
            tokens.Truncate(budget);
        }

        return _template.Apply(tokens, null, addSpecialTokens, overflow);
    }

    public TokenEncoding EncodePair(string first, string second, TruncationStrategy truncation = TruncationStrategy.LongestFirst,
        int? maxLength = null, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var a = EncodeText(first);
        var b = EncodeText(second);
        var overflow = 0;
        if (maxLength is { } max)
        {
            overflow = TruncatePair(a, b, truncation, max, Budget(max, pair: true, addSpecialTokens));
        }

        return _template.Apply(a, b, addSpecialTokens, overflow);
    }

    public abstract string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false);

    public abstract IStreamingDecoder CreateStreamingDecoder(bool skipSpecialTokens = false);

    public int? TokenToId(string token) => _tokenToId.TryGetValue(token, out var id) ? id : null;

    public string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    /// <summary>Encodes a plain (added-token-free) section of the original text, appending to <paramref name="output"/>.</summary>
    protected abstract void EncodePlainSection(string text, int start, int length, TokenSequence output);

    private TokenSequence EncodeText(string text)
    {
        var output = new TokenSequence();
        foreach (var section in AddedVocabulary.SplitRaw(text))
        {
            if (section.Token is { } token)
            {
                output.Add(token.Id, section.Start, section.Start + section.Length);
            }
            else if (section.Length > 0)
            {
                EncodePlainSection(text, section.Start, section.Length, output);
            }
        }

        return output;
    }

    private int Budget(int maxLength, bool pair, bool addSpecialTokens)
    {
        var specials = addSpecialTokens ? _template.SpecialCount(pair) : 0;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, specials, nameof(maxLength));
        return maxLength - specials;
    }

    /// <summary>tokenizers' truncate_encodings: returns how many tokens were removed.</summary>
    private static int TruncatePair(TokenSequence a, TokenSequence b, TruncationStrategy strategy, int maxLength, int budget)
    {
        var total = a.Count + b.Count;
        if (total <= budget)
        {
            return 0;
        }

        var excess = total - budget;
        switch (strategy)
        {
            case TruncationStrategy.LongestFirst:
                var (n1, n2) = LongestFirstLengths(a.LengthSeenWithLimit(maxLength), b.LengthSeenWithLimit(maxLength), budget);
                a.Truncate(n1);
                b.Truncate(n2);
                break;
            case TruncationStrategy.OnlyFirst:
                TruncateOnly(a, excess, "first");
                break;
            case TruncationStrategy.OnlySecond:
                TruncateOnly(b, excess, "second");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Unknown truncation strategy.");
        }

        return excess;
    }

    /// <summary>
    /// Keep the shorter sequence whole if the longer can absorb the cut; otherwise the longer keeps the odd token of
    /// budget / 2 + budget % 2 (the second on a tie). The lengths compared are those tokenizers 0.23 sees: it stops
    /// tokenizing each sequence at the first word boundary past max_length, which decides "longer" when both exceed it.
    /// </summary>
    private static (int First, int Second) LongestFirstLengths(int first, int second, int budget)
    {
        var swap = first > second;
        var shorter = swap ? second : first;
        if (2 * shorter <= budget)
        {
            return swap ? (budget - shorter, shorter) : (shorter, budget - shorter);
        }

        var half = budget / 2;
        return swap ? (budget - half, half) : (half, budget - half);
    }

    private static void TruncateOnly(TokenSequence sequence, int excess, string which)
    {
        if (sequence.Count <= excess)
        {
            throw new ArgumentException(
                $"Truncation error: the {which} sequence ({sequence.Count} tokens) is not long enough to remove {excess} tokens.");
        }

        sequence.Truncate(sequence.Count - excess);
    }
}

/// <summary>Everything a tokenizer needs besides its model.</summary>
internal sealed record TokenizerParts(
    Dictionary<string, int> TokenToId,
    AddedVocabulary AddedVocabulary,
    PostProcessorTemplate Template,
    SpecialTokenIds SpecialTokens,
    int ModelMaxLength);
