using System.Text;
using RagPlatform.Tokenizers.Text;

namespace RagPlatform.Tokenizers.Bpe;

/// <summary>
/// Qwen2-style byte-level BPE: NFC, the Qwen2 split pattern, bytes mapped through GPT-2's alphabet, then merges.
/// Added tokens are split out of the raw text first and decode verbatim.
/// </summary>
internal sealed class ByteLevelBpeTokenizer : TokenizerBase
{
    private readonly BpeModel _model;
    private readonly bool _nfc;
    private readonly bool _cleanUpTokenizationSpaces;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly HashSet<int> _skippedIds;

    public ByteLevelBpeTokenizer(TokenizerParts parts, BpeModel model, bool nfc, bool cleanUpTokenizationSpaces)
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
        var decoder = new ByteLevelStreamingDecoder(this, skipSpecialTokens);
        var text = new StringBuilder();
        foreach (var id in ids)
        {
            text.Append(decoder.Append(id));
        }

        text.Append(decoder.Flush());
        var decoded = text.ToString();
        return _cleanUpTokenizationSpaces ? TokenizationCleanup.Apply(decoded) : decoded;
    }

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
        var bytes = new List<byte>(64);
        var byteToChar = new List<int>(64);
        var tokens = new List<(int Id, int ByteLength)>(16);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var (pieceStart, pieceEnd) in pieces)
        {
            bytes.Clear();
            byteToChar.Clear();
            for (var i = pieceStart; i < pieceEnd;)
            {
                var cp = text.CodePointAt(i, out var width);
                var count = new Rune(cp).EncodeToUtf8(utf8);
                for (var k = 0; k < count; k++)
                {
                    bytes.Add(utf8[k]);
                    byteToChar.Add(i);
                }

                i += width;
            }

            tokens.Clear();
            _model.Tokenize(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes), text.Chars[pieceStart..pieceEnd], tokens);
            var b = 0;
            foreach (var (id, byteLength) in tokens)
            {
                var firstChar = byteToChar[b];
                var lastChar = byteToChar[b + byteLength - 1];
                var lastWidth = char.IsHighSurrogate(text.Chars[lastChar]) && lastChar + 1 < text.Length ? 2 : 1;
                output.Add(id, text.StartOf(firstChar), text.EndOf(lastChar + lastWidth - 1));
                b += byteLength;
            }

            output.EndWord();
        }
    }
}
