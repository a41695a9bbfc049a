using System.Text.RegularExpressions;

namespace RagPlatform.Testing;

/// <summary>An extractive answer read back: each quoted sentence and the passage number [n] that follows it.</summary>
public static partial class ExtractiveQuotes
{
    public static IReadOnlyList<(string Sentence, int N)> Parse(string answer) =>
        [.. Quote().Matches(answer).Select(m => (m.Groups["sentence"].Value, int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture)))];

    [GeneratedRegex(@"(?<sentence>\S.*?) \[(?<n>\d+)\](?= |$)", RegexOptions.Singleline)]
    private static partial Regex Quote();
}
