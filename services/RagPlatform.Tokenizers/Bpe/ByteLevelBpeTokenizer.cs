using RagPlatform.Tokenizers.Text;
using Ml = Microsoft.ML.Tokenizers;

namespace RagPlatform.Tokenizers.Bpe;

/// <summary>
/// Qwen2-style byte-level BPE: our NFC and Qwen2 split pattern, then the package's byte-level BPE model (bytes
/// mapped through GPT-2's alphabet, lowest-ranked merge first) and its decoder. Added tokens are split out of the
/// raw text first and decode verbatim. README.md lists why the split and NFC stay ours.
/// </summary>
internal sealed class ByteLevelBpeTokenizer : TokenizerBase
{
    private readonly Ml.BpeTokenizer _model;
    private readonly bool _nfc;
    private readonly bool _cleanUpTokenizationSpaces;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly HashSet<int> _skippedIds;

    /// <param name="model">Built with <see cref="Ml.BpeOptions.ByteLevel"/> and every added token as a special token.</param>
    public ByteLevelBpeTokenizer(TokenizerParts parts, Ml.BpeTokenizer model, bool nfc, bool cleanUpTokenizationSpaces)
        : base(parts)
    {
        _model = model;
        _nfc = nfc;
        _cleanUpTokenizationSpaces = cleanUpTokenizationSpaces;
        _addedById = parts.AddedVocabulary.Tokens.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First());
        _skippedIds = parts.SpecialTokens.All.ToHashSet();
    }

    public override string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        // The package would skip every added token; Hugging Face skips only those flagged special (not <tool_call>).
        var kept = new List<int>(ids.Length);
        foreach (var id in ids)
        {
            if (!(skipSpecialTokens && _skippedIds.Contains(id)))
            {
                kept.Add(id);
            }
        }

        var decoded = _model.Decode(kept, considerSpecialTokens: true);
        return _cleanUpTokenizationSpaces ? TokenizationCleanup.Apply(decoded) : decoded;
    }

    /// <summary>Ours: the package decodes whole id lists only (its span overload stops with InvalidData on broken UTF-8).</summary>
    public override IStreamingDecoder CreateStreamingDecoder(bool skipSpecialTokens = false) =>
        new ByteLevelStreamingDecoder(this, skipSpecialTokens);

    /// <summary>How an id decodes: skipped, an added token's text, or byte-level characters.</summary>
    internal (bool Skip, string? AddedText, string? ByteSymbols) Describe(int id, bool skipSpecialTokens)
    {
        if (skipSpecialTokens && _skippedIds.Contains(id))
        {
            return (true, null, null);
        }

        if (_addedById.TryGetValue(id, out var added))
        {
            return (false, added.Content, null);
        }

        var token = IdToToken(id);
        return token is null ? (true, null, null) : (false, null, token);
    }

    protected override void EncodePlainSection(string text, int start, int length, TokenSequence output)
    {
        var aligned = AlignedText.FromOriginal(text, start, length);
        var normalized = _nfc ? UnicodeNormalization.Nfc(aligned) : aligned;
        if (!AddedVocabulary.HasNormalizedTokens)
        {
            EncodePieces(normalized, 0, normalized.Length, output);
            return;
        }

        foreach (var section in AddedVocabulary.SplitNormalized(normalized.Chars))
        {
            if (section.Token is { } token)
            {
                output.Add(token.Id, normalized.StartOf(section.Start), normalized.EndOf(section.Start + section.Length - 1));
            }
            else
            {
                EncodePieces(normalized, section.Start, section.Start + section.Length, output);
            }
        }
    }

    private void EncodePieces(AlignedText text, int from, int to, TokenSequence output)
    {
        var pieces = new List<(int Start, int End)>();
        Qwen2PreTokenizer.Split(text, from, to, pieces);
        foreach (var (pieceStart, pieceEnd) in pieces)
        {
            // The package's offsets cover whole UTF-16 characters even for a token holding part of one's bytes.
            var tokens = _model.EncodeToTokens(WithoutLoneSurrogates(text.Chars[pieceStart..pieceEnd]), out _,
                considerPreTokenization: false, considerNormalization: false);
            foreach (var token in tokens)
            {
                var (offset, tokenLength) = token.Offset.GetOffsetAndLength(pieceEnd - pieceStart);
                output.Add(token.Id, text.StartOf(pieceStart + offset), text.EndOf(pieceStart + offset + tokenLength - 1));
            }

            output.EndWord();
        }
    }

    /// <summary>
    /// transformers.js turns text into bytes with TextEncoder, which writes U+FFFD for a lone surrogate; the package
    /// would write the surrogate's own three bytes (ED A0 80), tokens that decode to three U+FFFD. One char for one
    /// char, so offsets are unchanged.
    /// </summary>
    private static ReadOnlySpan<char> WithoutLoneSurrogates(ReadOnlySpan<char> piece)
    {
        if (!piece.ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return piece;
        }

        var chars = piece.ToArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return chars;
    }
}
