using System.Globalization;
using RagPlatform.Tokenizers.Text;

namespace RagPlatform.Tokenizers.WordPiece;

internal sealed record BertNormalizerOptions(bool CleanText, bool HandleChineseChars, bool Lowercase, bool? StripAccents);

/// <summary>
/// BertNormalizer as transformers.js runs it: clean text, pad CJK ideographs with spaces, lowercase, then
/// strip accents (NFD and drop Mn) unless strip_accents is explicitly false.
/// </summary>
internal sealed class BertNormalizer(BertNormalizerOptions options)
{
    public AlignedText Normalize(AlignedText text)
    {
        if (options.CleanText || options.HandleChineseChars)
        {
            text = CleanAndPad(text);
        }

        if (options.Lowercase)
        {
            text = JsLowercase.Apply(text);
            if (options.StripAccents != false)
            {
                text = StripAccents(text);
            }
        }
        else if (options.StripAccents == true)
        {
            text = StripAccents(text);
        }

        return text;
    }

    private AlignedText CleanAndPad(AlignedText input)
    {
        var unicode = UnicodeData.Instance;
        var output = new AlignedText(input.Length + 8);
        for (var i = 0; i < input.Length;)
        {
            var cp = input.RawCodePointAt(i, out var width);
            var start = input.StartOf(i);
            var end = input.EndOf(i + width - 1);
            i += width;
            if (options.CleanText)
            {
                if (cp is 0 or 0xFFFD || IsControl(cp, unicode))
                {
                    continue;
                }

                // JavaScript tests /^\s$/ on the whole code point, so astral characters never count.
                if (cp < 0x10000 && unicode.IsJsWhiteSpace(cp))
                {
                    output.AppendChar(' ', start, end);
                    continue;
                }
            }

            // transformers.js checks each UTF-16 unit, so astral ideographs (Extension B and up) are not padded.
            if (options.HandleChineseChars && IsBmpIdeograph(cp))
            {
                output.AppendChar(' ', start, end);
                output.AppendChar((char)cp, start, end);
                output.AppendChar(' ', start, end);
                continue;
            }

            output.AppendCodePoint(cp, start, end);
        }

        return output;
    }

    private static AlignedText StripAccents(AlignedText input)
    {
        var unicode = UnicodeData.Instance;
        var decomposed = UnicodeNormalization.Nfd(input);
        var output = new AlignedText(decomposed.Length);
        for (var i = 0; i < decomposed.Length;)
        {
            var cp = decomposed.RawCodePointAt(i, out var width);
            if (!unicode.IsNonSpacingMark(cp))
            {
                output.AppendCodePoint(cp, decomposed.StartOf(i), decomposed.EndOf(i + width - 1));
            }

            i += width;
        }

        return output;
    }

    private static bool IsControl(int cp, UnicodeData unicode)
    {
        if (cp is '\t' or '\n' or '\r')
        {
            return false;
        }

        return unicode.Category(cp) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;
    }

    private static bool IsBmpIdeograph(int cp) => cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0xF900 and <= 0xFAFF;
}
