namespace RagPlatform.Tokenizers.Text;

/// <summary>
/// String.prototype.toLowerCase: full Unicode lowercasing, including U+0130 → "i̇" and the context-sensitive
/// final sigma, which .NET's invariant casing does not do.
/// </summary>
internal static class JsLowercase
{
    private const int CapitalSigma = 0x03A3;
    private const int SmallSigma = 0x03C3;
    private const int FinalSigma = 0x03C2;

    public static AlignedText Apply(AlignedText input)
    {
        var unicode = UnicodeData.Instance;
        var output = new AlignedText(input.Length + 4);
        for (var i = 0; i < input.Length;)
        {
            var cp = input.RawCodePointAt(i, out var width);
            var start = input.StartOf(i);
            var end = input.EndOf(i + width - 1);
            if (cp == CapitalSigma)
            {
                output.AppendCodePoint(IsFinal(input, i, width, unicode) ? FinalSigma : SmallSigma, start, end);
            }
            else if (!unicode.TryLowercase(cp, out var lower, out var expansion))
            {
                output.AppendCodePoint(cp, start, end);
            }
            else if (expansion is null)
            {
                output.AppendCodePoint(lower, start, end);
            }
            else
            {
                foreach (var part in expansion)
                {
                    output.AppendCodePoint(part, start, end);
                }
            }

            i += width;
        }

        return output;
    }

    /// <summary>Final_Sigma: a cased letter before (past case-ignorables) and none after.</summary>
    private static bool IsFinal(AlignedText text, int index, int width, UnicodeData unicode)
    {
        var casedBefore = false;
        for (var i = index - 1; i >= 0; i--)
        {
            if (char.IsLowSurrogate(text.Chars[i]) && i > 0 && char.IsHighSurrogate(text.Chars[i - 1]))
            {
                i--;
            }

            var cp = text.RawCodePointAt(i, out _);
            if (!unicode.IsCaseIgnorable(cp))
            {
                casedBefore = unicode.IsCased(cp);
                break;
            }
        }

        if (!casedBefore)
        {
            return false;
        }

        for (var i = index + width; i < text.Length;)
        {
            var cp = text.RawCodePointAt(i, out var w);
            if (!unicode.IsCaseIgnorable(cp))
            {
                return !unicode.IsCased(cp);
            }

            i += w;
        }

        return true;
    }
}
