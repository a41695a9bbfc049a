namespace RagPlatform.Tokenizers;

/// <summary>A token added on top of the model vocabulary (special tokens such as [CLS] or &lt;|im_end|&gt;).</summary>
internal sealed record AddedToken(int Id, string Content, bool Special, bool Normalized, bool LStrip, bool RStrip);

/// <summary>A run of text that is either one added token or plain text for the model.</summary>
internal readonly record struct TextSection(int Start, int Length, AddedToken? Token);

/// <summary>
/// Splits text on added tokens before anything else sees it, the way transformers.js does: at each UTF-16
/// position the longest added token that matches wins, scanning left to right.
/// </summary>
internal sealed class AddedVocabulary
{
    private readonly Dictionary<char, AddedToken[]> _rawByFirstChar;
    private readonly Dictionary<char, AddedToken[]> _normalizedByFirstChar;

    public AddedVocabulary(IReadOnlyList<AddedToken> tokens)
    {
        Tokens = tokens;
        _rawByFirstChar = Index(tokens.Where(t => !t.Normalized));
        _normalizedByFirstChar = Index(tokens.Where(t => t.Normalized));
        HasNormalizedTokens = _normalizedByFirstChar.Count > 0;
    }

    public IReadOnlyList<AddedToken> Tokens { get; }

    public bool HasNormalizedTokens { get; }

    /// <summary>Splits on tokens matched in the raw text (normalized: false).</summary>
    public List<TextSection> SplitRaw(ReadOnlySpan<char> text) => Split(text, _rawByFirstChar);

    /// <summary>Splits on tokens matched after normalization (normalized: true).</summary>
    public List<TextSection> SplitNormalized(ReadOnlySpan<char> text) => Split(text, _normalizedByFirstChar);

    private static List<TextSection> Split(ReadOnlySpan<char> text, Dictionary<char, AddedToken[]> byFirstChar)
    {
        var sections = new List<TextSection>();
        var plainStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            var match = byFirstChar.Count == 0 ? null : LongestMatch(text[i..], byFirstChar);
            if (match is null)
            {
                i++;
                continue;
            }

            if (i > plainStart)
            {
                sections.Add(new TextSection(plainStart, i - plainStart, null));
            }

            sections.Add(new TextSection(i, match.Content.Length, match));
            i += match.Content.Length;
            plainStart = i;
        }

        if (plainStart < text.Length)
        {
            sections.Add(new TextSection(plainStart, text.Length - plainStart, null));
        }

        ApplyStrip(text, sections);
        return sections;
    }

    private static AddedToken? LongestMatch(ReadOnlySpan<char> text, Dictionary<char, AddedToken[]> byFirstChar)
    {
        if (!byFirstChar.TryGetValue(text[0], out var candidates))
        {
            return null;
        }

        foreach (var candidate in candidates)
        {
            if (text.StartsWith(candidate.Content, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>lstrip/rstrip tokens swallow the whitespace next to them (JavaScript trimEnd/trimStart).</summary>
    private static void ApplyStrip(ReadOnlySpan<char> text, List<TextSection> sections)
    {
        for (var i = 0; i < sections.Count; i++)
        {
            if (sections[i].Token is not { } token)
            {
                continue;
            }

            if (token.LStrip && i > 0 && sections[i - 1].Token is null)
            {
                var previous = sections[i - 1];
                var kept = text.Slice(previous.Start, previous.Length).TrimEnd().Length;
                sections[i - 1] = previous with { Length = kept };
            }

            if (token.RStrip && i + 1 < sections.Count && sections[i + 1].Token is null)
            {
                var next = sections[i + 1];
                var slice = text.Slice(next.Start, next.Length);
                var removed = slice.Length - slice.TrimStart().Length;
                sections[i + 1] = new TextSection(next.Start + removed, next.Length - removed, null);
            }
        }
    }

    private static Dictionary<char, AddedToken[]> Index(IEnumerable<AddedToken> tokens) =>
        tokens.Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
}
