using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace RagPlatform.Retrieval.Lexical;

/// <summary>
/// Turns text into index terms: words are maximal runs of Unicode letters, digits and combining marks,
/// lower-cased per Unicode, English stop words dropped, Porter-stemmed. Text is not Unicode-normalised: the
/// repository runs in invariant globalization mode, which has no normalisation data, so a decomposed accent
/// (e + U+0301) stays a different term from the composed one (é). Index and query text share it.
/// </summary>
internal sealed class TextAnalyzer
{
    /// <summary>Longer runs are identifiers, hashes or junk, not words worth a posting list.</summary>
    public const int MaxTermLength = 40;

    private static readonly FrozenSet<string> StopWords = FrozenSet.ToFrozenSet(
    [
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be",
        "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does",
        "doing", "don", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he",
        "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
        "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once",
        "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some",
        "such", "t", "s", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they",
        "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when",
        "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself",
        "yourselves",
    ], StringComparer.Ordinal);

    /// <summary>Appends the terms of <paramref name="text"/>, in order and with repeats, to <paramref name="terms"/>.</summary>
    public void Analyze(string text, List<string> terms)
    {
        var stemmer = new PorterStemmer();
        var word = new StringBuilder(32);
        Span<char> utf16 = stackalloc char[2];
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsWordRune(rune))
            {
                var length = Rune.ToLowerInvariant(rune).EncodeToUtf16(utf16);
                word.Append(utf16[..length]);
                continue;
            }

            Flush(word, stemmer, terms);
        }

        Flush(word, stemmer, terms);
    }

    public List<string> Analyze(string text)
    {
        var terms = new List<string>();
        Analyze(text, terms);
        return terms;
    }

    private static bool IsWordRune(Rune rune) => Rune.IsLetterOrDigit(rune) ||
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    private static void Flush(StringBuilder word, PorterStemmer stemmer, List<string> terms)
    {
        if (word.Length == 0)
        {
            return;
        }

        if (word.Length <= MaxTermLength)
        {
            var text = word.ToString();
            if (!StopWords.Contains(text))
            {
                terms.Add(stemmer.Stem(text));
            }
        }

        word.Clear();
    }
}
