namespace RagPlatform.Tokenizers;

/// <summary>clean_up_tokenization: removes the spaces decoding leaves before punctuation and English contractions.</summary>
internal static class TokenizationCleanup
{
    private static readonly (string From, string To)[] Replacements =
    [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
        (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ];

    public static string Apply(string text)
    {
        if (!text.Contains(' ', StringComparison.Ordinal))
        {
            return text;
        }

        foreach (var (from, to) in Replacements)
        {
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        return text;
    }
}
