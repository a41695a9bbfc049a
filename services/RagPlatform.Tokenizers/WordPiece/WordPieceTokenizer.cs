using System.Text;
using RagPlatform.Tokenizers.Text;

namespace RagPlatform.Tokenizers.WordPiece;

internal sealed record WordPieceOptions(
    string UnknownToken,
    string ContinuingSubwordPrefix,
    int MaxInputCharsPerWord,
    bool DecoderCleanup,
    bool CleanUpTokenizationSpaces);

/// <summary>
/// BERT's tokenizer: BertNormalizer, BertPreTokenizer (whitespace and punctuation split) and greedy
/// longest-match-first WordPiece with "##" continuations.
/// </summary>
internal sealed class WordPieceTokenizer : TokenizerBase
{
    private readonly BertNormalizer _normalizer;
    private readonly WordPieceOptions _options;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabulary;
    private readonly int _unknownId;
    private readonly HashSet<string> _specialTokens;

    public WordPieceTokenizer(TokenizerParts parts, Dictionary<string, int> vocabulary, BertNormalizerOptions normalizer,
        WordPieceOptions options, IEnumerable<string> additionalSpecialTokens)
        : base(parts)
    {
        _normalizer = new BertNormalizer(normalizer);
        _options = options;
        _vocabulary = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        _unknownId = vocabulary.TryGetValue(options.UnknownToken, out var unk)
            ? unk
            : throw new InvalidDataException($"The unknown token '{options.UnknownToken}' is not in the vocabulary.");
        _specialTokens = parts.AddedVocabulary.Tokens.Where(t => t.Special).Select(t => t.Content)
            .Concat(additionalSpecialTokens).ToHashSet(StringComparer.Ordinal);
    }

    public override string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        // transformers.js: the WordPiece decoder glues "##" pieces, spaces the rest and cleans up each piece;
        // then the whole string is cleaned up once more when clean_up_tokenization_spaces is set.
        var text = new StringBuilder();
        var first = true;
        foreach (var id in ids)
        {
            var token = IdToToken(id) ?? _options.UnknownToken;
            if (skipSpecialTokens && _specialTokens.Contains(token))
            {
                continue;
            }

            if (!first)
            {
                token = token.StartsWith(_options.ContinuingSubwordPrefix, StringComparison.Ordinal)
                    ? token[_options.ContinuingSubwordPrefix.Length..]
                    : " " + token;
            }

            text.Append(_options.DecoderCleanup ? TokenizationCleanup.Apply(token) : token);
            first = false;
        }

        var decoded = text.ToString();
        return _options.CleanUpTokenizationSpaces ? TokenizationCleanup.Apply(decoded) : decoded;
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

    /// <summary>BertPreTokenizer: runs of non-space, non-punctuation code points are words; each punctuation mark is its own.</summary>
    private void EncodeWords(AlignedText text, int from, int to, TokenSequence output)
    {
        var unicode = UnicodeData.Instance;
        var wordStart = -1;
        var i = from;
        while (i < to)
        {
            var cp = text.RawCodePointAt(i, out var width);
            var space = cp < 0x10000 && unicode.IsJsWhiteSpace(cp);
            var punctuation = !space && unicode.IsBertPunctuation(cp);
            if (space || punctuation)
            {
                if (wordStart >= 0)
                {
                    EncodeWord(text, wordStart, i, output);
                    wordStart = -1;
                }

                if (punctuation)
                {
                    EncodeWord(text, i, i + width, output);
                }
            }
            else if (wordStart < 0)
            {
                wordStart = i;
            }

            i += width;
        }

        if (wordStart >= 0)
        {
            EncodeWord(text, wordStart, to, output);
        }
    }

    private void EncodeWord(AlignedText text, int start, int end, TokenSequence output)
    {
        var word = text.Chars[start..end];
        var boundaries = CodePointBoundaries(word);
        if (boundaries.Length - 1 > _options.MaxInputCharsPerWord)
        {
            output.Add(_unknownId, text.StartOf(start), text.EndOf(end - 1));
            output.EndWord();
            return;
        }

        var prefix = _options.ContinuingSubwordPrefix;
        Span<char> candidate = word.Length + prefix.Length <= 256 ? stackalloc char[word.Length + prefix.Length] : new char[word.Length + prefix.Length];
        prefix.AsSpan().CopyTo(candidate);
        var pieceCount = output.Count;
        var from = 0;
        while (from < boundaries.Length - 1)
        {
            var offset = from == 0 ? prefix.Length : 0;
            word[boundaries[from]..].CopyTo(candidate[prefix.Length..]);
            var matched = -1;
            var id = 0;
            for (var to = boundaries.Length - 1; to > from; to--)
            {
                var piece = candidate[offset..(prefix.Length + boundaries[to] - boundaries[from])];
                if (_vocabulary.TryGetValue(piece, out id))
                {
                    matched = to;
                    break;
                }
            }

            if (matched < 0)
            {
                output.Truncate(pieceCount);
                output.Add(_unknownId, text.StartOf(start), text.EndOf(end - 1));
                output.EndWord();
                return;
            }

            output.Add(id, text.StartOf(start + boundaries[from]), text.EndOf(start + boundaries[matched] - 1));
            from = matched;
        }

        output.EndWord();
    }

    private static int[] CodePointBoundaries(ReadOnlySpan<char> word)
    {
        var boundaries = new List<int>(word.Length + 1) { 0 };
        for (var i = 0; i < word.Length;)
        {
            i += char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            boundaries.Add(i);
        }

        return boundaries.ToArray();
    }
}
