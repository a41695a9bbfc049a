using System.Collections.Frozen;

namespace RagPlatform.Retrieval.Extractive;

/// <summary>[Start, End) of one sentence in the text it was cut from: always a verbatim slice of that text.</summary>
public readonly record struct SentenceSpan(int Start, int End)
{
    public int Length => End - Start;
}

/// <summary>
/// Cuts text into sentences for extractive answers. A sentence ends at '.', '!' or '?' (closing quotes and brackets
/// included) followed by white space and a capital, a digit or an opening quote; at a blank line; and at a line break
/// before a list item, a table row or a heading. Not ends: abbreviations ("e.g.", "Dr.", "U.S."), initials ("J. R."),
/// decimals and versions ("3.14", "v1.2", no space follows), ellipses, list numbers ("1. Retrieve") and a period
/// followed by a lower-case word. A single line break inside a paragraph is a soft wrap, not an end. Spans are trimmed
/// of white space and of a leading list marker, so each is a verbatim slice of the text.
/// </summary>
public static class SentenceSplitter
{
    /// <summary>Abbreviations written capitalised ("Dr. Smith", "St. Louis", "Jan. 5"), matched as written.</summary>
    private static readonly FrozenSet<string> TitleAbbreviations = FrozenSet.ToFrozenSet(
    [
        "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Ft", "Inc", "Ltd", "Co", "Corp", "Dept", "Univ", "No", "Nos",
        "Fig", "Figs", "Vol", "Vols", "Ch", "Sec", "Ed", "Eds", "Gen", "Col", "Lt", "Capt", "Sgt", "Gov", "Sen", "Rep", "Rev",
        "Hon", "Pres", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Est", "Ph.D",
    ], StringComparer.Ordinal);

    /// <summary>Abbreviations written in lower case inside a sentence ("e.g.", "approx.", "pp."), matched as written.</summary>
    private static readonly FrozenSet<string> LowerAbbreviations = FrozenSet.ToFrozenSet(
    [
        "e.g", "i.e", "etc", "vs", "cf", "al", "approx", "ca", "p", "pp", "a.m", "p.m", "incl", "resp", "viz", "fig", "no", "vol",
        "ch", "sec", "est",
    ], StringComparer.Ordinal);

    /// <summary>The sentences of <paramref name="text"/>, in order; empty pieces are left out.</summary>
    public static List<SentenceSpan> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sentences = new List<SentenceSpan>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' && IsLineBoundary(text, i))
            {
                Add(text, start, i, sentences);
                start = i + 1;
            }
            else if (c is '.' or '!' or '?' or '。' or '！' or '？' && EndsSentence(text, i, start) is { } end)
            {
                Add(text, start, end, sentences);
                start = end;
                i = end - 1;
            }
        }

        Add(text, start, text.Length, sentences);
        return sentences;
    }

    /// <summary>A line break ends a sentence at a blank line, before a list item, table row or heading, or after a colon.</summary>
    private static bool IsLineBoundary(string text, int newline)
    {
        var next = newline + 1;
        while (next < text.Length && text[next] is ' ' or '\t' or '\r')
        {
            next++;
        }

        if (next >= text.Length || text[next] == '\n' || ListMarkerLength(text, next) > 0 || text[next] is '|' or '#' or '>')
        {
            return true;
        }

        var before = newline - 1;
        while (before >= 0 && text[before] is ' ' or '\t' or '\r')
        {
            before--;
        }

        return before < 0 || text[before] is ':' or '|';
    }

    /// <summary>Where the sentence ends if the mark at <paramref name="mark"/> ends one (after closing quotes), else null.</summary>
    private static int? EndsSentence(string text, int mark, int sentenceStart)
    {
        var end = mark + 1;
        while (end < text.Length && text[end] is '.' or '!' or '?')
        {
            end++; // "?!", "..."
        }

        while (end < text.Length && text[end] is '"' or '\'' or ')' or ']' or '”' or '’' or '»')
        {
            end++;
        }

        if (end < text.Length && !char.IsWhiteSpace(text[end]))
        {
            // "3.14", "README.md", "e.g.," and CJK marks, which need no space after them.
            return text[mark] is '。' or '！' or '？' ? end : null;
        }

        var next = end;
        while (next < text.Length && char.IsWhiteSpace(text[next]))
        {
            next++;
        }

        if (next >= text.Length)
        {
            return end;
        }

        if (text[mark] == '.' && (end - mark == 1 || text[mark + 1] != '.') && IsAbbreviationOrListNumber(text, mark, sentenceStart))
        {
            return null;
        }

        var first = text[next];
        return char.IsUpper(first) || char.IsDigit(first) || first is '"' or '\'' or '(' or '[' or '“' or '‘' or '«' or '*' or '-' or '`'
            || !char.IsLetter(first) && !char.IsPunctuation(first)
            ? end
            : null;
    }

    /// <summary>The word before a period is an abbreviation, an initial, or a list number at the start of its line.</summary>
    private static bool IsAbbreviationOrListNumber(string text, int period, int sentenceStart)
    {
        var wordStart = period;
        while (wordStart > 0 && (char.IsLetterOrDigit(text[wordStart - 1]) || text[wordStart - 1] == '.'))
        {
            wordStart--;
        }

        var word = text[wordStart..period];
        if (word.Length == 0)
        {
            return false;
        }

        if (word.All(char.IsAsciiDigit))
        {
            // "1." opening a line or the text is a list number; "in 1997." is a sentence's end.
            var before = wordStart - 1;
            while (before >= sentenceStart && text[before] is ' ' or '\t')
            {
                before--;
            }

            return word.Length <= 3 && (before < sentenceStart || text[before] == '\n');
        }

        if (word.Length == 1 && char.IsUpper(word[0]))
        {
            return true; // an initial: "J. R. R. Tolkien"
        }

        // "U.S.", "e.g." and kin: one or two letters between periods.
        return TitleAbbreviations.Contains(word) || LowerAbbreviations.Contains(word)
            || (word.Contains('.') && word.Split('.').All(p => p.Length is 1 or 2 && p.All(char.IsLetter)));
    }

    /// <summary>Length of a list marker ("- ", "* ", "+ ", "• ", "12. ", "3) ") at <paramref name="at"/>, or 0.</summary>
    private static int ListMarkerLength(string text, int at)
    {
        if (at + 1 < text.Length && text[at] is '-' or '*' or '+' or '•' && text[at + 1] == ' ')
        {
            return 2;
        }

        var digits = at;
        while (digits < text.Length && digits - at < 3 && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        return digits > at && digits + 1 < text.Length && text[digits] is '.' or ')' && text[digits + 1] == ' ' ? digits + 2 - at : 0;
    }

    private static void Add(string text, int start, int end, List<SentenceSpan> sentences)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        if (ListMarkerLength(text, start) is > 0 and var marker)
        {
            start += marker;
        }

        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end > start)
        {
            sentences.Add(new SentenceSpan(start, end));
        }
    }
}
