using RagPlatform.Tokenizers.Text;

namespace RagPlatform.Tokenizers.WordPiece;

/// <summary>
/// BertPreTokenizer as transformers.js runs it: runs of code points that are neither white space nor punctuation
/// are words, and each punctuation mark (Unicode P* or an ASCII symbol) is a word of its own.
/// Ours because the package's BERT pre-tokenizer (<c>\w+|[\p{P}]</c>) drops what it does not match: ASCII symbols
/// such as $ = + &lt; &gt; ^ ` | ~, and every other non-word symbol (°, €, ², emoji), which Hugging Face keeps.
/// </summary>
internal static class BertPreTokenizer
{
    /// <summary>Appends each word of <paramref name="text"/>[from, to) as a (start, end) UTF-16 range.</summary>
    public static void Split(AlignedText text, int from, int to, List<(int Start, int End)> words)
    {
        var unicode = UnicodeData.Instance;
        var wordStart = -1;
        for (var i = from; i < to;)
        {
            var cp = text.RawCodePointAt(i, out var width);
            // JavaScript tests /\s/ per code point, so no astral character is white space.
            var space = cp < 0x10000 && unicode.IsJsWhiteSpace(cp);
            var punctuation = !space && unicode.IsBertPunctuation(cp);
            if (space || punctuation)
            {
                if (wordStart >= 0)
                {
                    words.Add((wordStart, i));
                    wordStart = -1;
                }

                if (punctuation)
                {
                    words.Add((i, i + width));
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
            words.Add((wordStart, to));
        }
    }
}
