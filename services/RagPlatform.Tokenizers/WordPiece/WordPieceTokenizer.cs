using System.Text;
using RagPlatform.Tokenizers.Text;
using Ml = Microsoft.ML.Tokenizers;

namespace RagPlatform.Tokenizers.WordPiece;

/// <summary>How ids turn back into text (transformers.js's WordPiece decoder and clean_up_tokenization_spaces).</summary>
internal sealed record WordPieceDecoding(bool DecoderCleanup, bool CleanUpTokenizationSpaces);

/// <summary>
/// BERT's tokenizer: our BertNormalizer and BertPreTokenizer, then the package's WordPiece model (greedy
/// longest-match-first with "##" continuations, [UNK] for a word it cannot cover or that is too long).
/// The normalizer and pre-tokenizer run here, not in the package, so that every token keeps its range in the
/// original text; README.md lists why the package's own ones fail parity.
/// </summary>
internal sealed class WordPieceTokenizer : TokenizerBase
{
    private readonly Ml.WordPieceTokenizer _model;
    private readonly BertNormalizer _normalizer;
    private readonly WordPieceDecoding _decoding;
    private readonly HashSet<string> _specialTokens;

    public WordPieceTokenizer(TokenizerParts parts, Ml.WordPieceTokenizer model, BertNormalizerOptions normalizer,
        WordPieceDecoding decoding, IEnumerable<string> additionalSpecialTokens)
        : base(parts)
    {
        _model = model;
        _normalizer = new BertNormalizer(normalizer);
        _decoding = decoding;
        _specialTokens = parts.AddedVocabulary.Tokens.Where(t => t.Special).Select(t => t.Content)
            .Concat(additionalSpecialTokens).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// transformers.js: the WordPiece decoder glues "##" pieces (not a leading one), spaces the rest and cleans up
    /// each piece; then the whole string is cleaned up once more when clean_up_tokenization_spaces is set.
    /// Ours because the package's decode strips a leading "##", never spaces a piece starting with . , ! ? ' and
    /// does not clean up (it writes "it' s" where Hugging Face writes "it's").
    /// </summary>
    public override string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var prefix = _model.ContinuingSubwordPrefix;
        var text = new StringBuilder();
        var first = true;
        foreach (var id in ids)
        {
            var token = IdToToken(id) ?? _model.UnknownToken;
            if (skipSpecialTokens && _specialTokens.Contains(token))
            {
                continue;
            }

            if (!first)
            {
                token = token.StartsWith(prefix, StringComparison.Ordinal) ? token[prefix.Length..] : " " + token;
            }

            text.Append(_decoding.DecoderCleanup ? TokenizationCleanup.Apply(token) : token);
            first = false;
        }

        var decoded = text.ToString();
        return _decoding.CleanUpTokenizationSpaces ? TokenizationCleanup.Apply(decoded) : decoded;
    }

    public override IStreamingDecoder CreateStreamingDecoder(bool skipSpecialTokens = false) =>
        throw new NotSupportedException("Streaming decode is for generative (byte-level BPE) tokenizers; WordPiece models only encode.");

    protected override void EncodePlainSection(string text, int start, int length, TokenSequence output)
    {
        var normalized = _normalizer.Normalize(AlignedText.FromOriginal(text, start, length));
        if (normalized.Length == 0)
        {
            return;
        }

        if (!AddedVocabulary.HasNormalizedTokens)
        {
            EncodeWords(normalized, 0, normalized.Length, output);
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
                EncodeWords(normalized, section.Start, section.Start + section.Length, output);
            }
        }
    }

    private void EncodeWords(AlignedText text, int from, int to, TokenSequence output)
    {
        var words = new List<(int Start, int End)>();
        BertPreTokenizer.Split(text, from, to, words);
        foreach (var (wordStart, wordEnd) in words)
        {
            // One word at a time, so that word ends are known (pair truncation needs them) and offsets map back.
            var tokens = _model.EncodeToTokens(text.Chars[wordStart..wordEnd], out _, considerPreTokenization: false,
                considerNormalization: false);
            foreach (var token in tokens)
            {
                var (offset, tokenLength) = token.Offset.GetOffsetAndLength(wordEnd - wordStart);
                output.Add(token.Id, text.StartOf(wordStart + offset), text.EndOf(wordStart + offset + tokenLength - 1));
            }

            output.EndWord();
        }
    }
}
