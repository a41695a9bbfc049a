using RagPlatform.Tokenizers.Text;

namespace RagPlatform.Tokenizers.Bpe;

/// <summary>
/// The Qwen2 split pattern, hand-compiled over code points (a .NET Regex sees UTF-16 units, so astral letters
/// and digits would fall out of \p{L}/\p{N}):
/// <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>.
/// Semantics follow transformers.js, which compiles it to a JavaScript regex: the case-insensitive group folds
/// ASCII only, and \s is Unicode White_Space. Every position matches some alternative, so pieces tile the text.
/// </summary>
internal static class Qwen2PreTokenizer
{
    /// <summary>The pattern exactly as Qwen2TokenizerFast serializes it in tokenizer.json.</summary>
    public const string Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Splits <paramref name="text"/>[from, to) into pieces, reporting each as (start, end) UTF-16 indices.</summary>
    public static void Split(AlignedText text, int from, int to, List<(int Start, int End)> pieces)
    {
        var unicode = UnicodeData.Instance;
        var chars = text.Chars[..to];
        var i = from;
        while (i < to)
        {
            var end = MatchAt(chars, i, unicode);
            pieces.Add((i, end));
            i = end;
        }
    }

    private static int MatchAt(ReadOnlySpan<char> s, int i, UnicodeData unicode)
    {
        var c = At(s, i, out var width);

        if (c == '\'' && Contraction(s, i + 1) is var contraction and > 0)
        {
            return i + 1 + contraction;
        }

        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (unicode.IsLetter(c))
        {
            return SkipLetters(s, i, unicode);
        }

        var next = i + width;
        if (c is not ('\r' or '\n') && !unicode.IsNumber(c) && next < s.Length && unicode.IsLetter(At(s, next, out _)))
        {
            return SkipLetters(s, next, unicode);
        }

        // \p{N}
        if (unicode.IsNumber(c))
        {
            return next;
        }

        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        var symbolStart = c == ' ' && next < s.Length && IsSymbol(At(s, next, out _), unicode) ? next : i;
        if (IsSymbol(At(s, symbolStart, out _), unicode))
        {
            var j = symbolStart;
            while (j < s.Length && IsSymbol(At(s, j, out var w), unicode))
            {
                j += w;
            }

            while (j < s.Length && s[j] is '\r' or '\n')
            {
                j++;
            }

            return j;
        }

        // c is white space: \s*[\r\n]+ ends after the run's last line break, if it has one.
        var runEnd = i;
        var lastBreak = -1;
        while (runEnd < s.Length && unicode.IsWhiteSpace(At(s, runEnd, out var w)))
        {
            if (s[runEnd] is '\r' or '\n')
            {
                lastBreak = runEnd;
            }

            runEnd += w;
        }

        if (lastBreak >= 0)
        {
            return lastBreak + 1;
        }

        // \s+(?!\S) backs off one character when the run is followed by text; \s+ takes a lone space.
        if (runEnd == s.Length)
        {
            return runEnd;
        }

        var lastWidth = char.IsLowSurrogate(s[runEnd - 1]) && runEnd - 2 >= i ? 2 : 1;
        return runEnd - lastWidth > i ? runEnd - lastWidth : runEnd;
    }

    /// <summary>Length after the apostrophe of 's 't 're 've 'm 'll 'd (ASCII case-insensitive), or 0.</summary>
    private static int Contraction(ReadOnlySpan<char> s, int i)
    {
        if (i >= s.Length)
        {
            return 0;
        }

        var first = char.ToLowerInvariant(s[i]);
        if (first is 's' or 't' or 'm' or 'd' && s[i] < 0x80)
        {
            return 1;
        }

        if (i + 1 >= s.Length || s[i] >= 0x80 || s[i + 1] >= 0x80)
        {
            return 0;
        }

        var second = char.ToLowerInvariant(s[i + 1]);
        return (first, second) is ('r', 'e') or ('v', 'e') or ('l', 'l') ? 2 : 0;
    }

    private static int SkipLetters(ReadOnlySpan<char> s, int i, UnicodeData unicode)
    {
        while (i < s.Length && unicode.IsLetter(At(s, i, out var w)))
        {
            i += w;
        }

        return i;
    }

    private static bool IsSymbol(int cp, UnicodeData unicode) =>
        !unicode.IsWhiteSpace(cp) && !unicode.IsLetter(cp) && !unicode.IsNumber(cp);

    /// <summary>The code point at i; JavaScript's /u regexes read a lone surrogate as itself.</summary>
    private static int At(ReadOnlySpan<char> s, int i, out int width)
    {
        var c = s[i];
        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(c, s[i + 1]);
        }

        width = 1;
        return c;
    }
}
