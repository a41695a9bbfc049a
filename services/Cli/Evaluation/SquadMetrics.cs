using System.Text;
using System.Text.RegularExpressions;

namespace RagPlatform.Cli.Evaluation;

/// <summary>
/// The official SQuAD v2.0 evaluation script's scoring: normalise (lower case, drop ASCII punctuation, drop the
/// articles a/an/the, collapse whitespace), then exact match, or F1 over the bag of tokens; the best over the gold
/// answers. An empty side scores 1 only against an empty other side, as in the script.
/// </summary>
internal sealed partial class SquadMetrics : IQaMetrics
{
    /// <summary>Python's string.punctuation.</summary>
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    [GeneratedRegex(@"\b(a|an|the)\b")]
    private static partial Regex Articles();

    public int? RankOf(IEnumerable<string> ranking, string relevantId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ranking)
        {
            if (seen.Add(id) && id == relevantId)
            {
                return seen.Count;
            }
        }

        return null;
    }

    public double ExactMatch(string prediction, IReadOnlyCollection<string> goldAnswers)
    {
        var normalized = Normalize(prediction);
        return goldAnswers.Any(g => Normalize(g) == normalized) ? 1 : 0;
    }

    public double F1(string prediction, IReadOnlyCollection<string> goldAnswers) =>
        goldAnswers.Count == 0 ? 0 : goldAnswers.Max(g => TokenF1(Tokens(prediction), Tokens(g)));

    public static string Normalize(string text)
    {
        var lower = text.ToLowerInvariant();
        var withoutPunctuation = new StringBuilder(lower.Length);
        foreach (var c in lower)
        {
            if (!Punctuation.Contains(c, StringComparison.Ordinal))
            {
                withoutPunctuation.Append(c);
            }
        }

        return string.Join(' ', Split(Articles().Replace(withoutPunctuation.ToString(), " ")));
    }

    private static string[] Tokens(string text) => Split(Normalize(text));

    /// <summary>Python's str.split(): runs of whitespace, which there include U+001C..U+001F.</summary>
    private static string[] Split(string text) =>
        new string([.. text.Select(c => c is >= '\u001c' and <= '\u001f' ? ' ' : c)]).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static double TokenF1(string[] prediction, string[] gold)
    {
        if (prediction.Length == 0 || gold.Length == 0)
        {
            return prediction.Length == gold.Length ? 1 : 0;
        }

        var goldCounts = gold.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var common = 0;
        foreach (var token in prediction)
        {
            if (goldCounts.TryGetValue(token, out var left) && left > 0)
            {
                goldCounts[token] = left - 1;
                common++;
            }
        }

        if (common == 0)
        {
            return 0;
        }

        var precision = (double)common / prediction.Length;
        var recall = (double)common / gold.Length;
        return 2 * precision * recall / (precision + recall);
    }
}
