using System.Text;
using System.Text.RegularExpressions;

namespace RagPlatform.Evaluation.Metrics;

/// <summary>
/// Exact match and token F1 as the official SQuAD evaluation computes them: both sides normalised (lower case,
/// ASCII punctuation removed, the articles a/an/the removed, whitespace collapsed), then the best score over the
/// gold answers. With no gold answer (an unanswerable SQuAD 2.0 question) the only right prediction is empty.
/// </summary>
public static partial class AnswerMetrics
{
    // Python's string.punctuation: exactly the ASCII punctuation, so "naïve" and "–" (en dash) are left alone.
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lowered = text.ToLowerInvariant();
        var withoutPunctuation = new StringBuilder(lowered.Length);
        foreach (var c in lowered)
        {
            if (!Punctuation.Contains(c, StringComparison.Ordinal))
            {
                withoutPunctuation.Append(c);
            }
        }

        var withoutArticles = Article().Replace(withoutPunctuation.ToString(), " ");
        return string.Join(' ', Tokens(withoutArticles));
    }

    /// <summary>1 when the normalised prediction equals a normalised gold answer, else 0.</summary>
    public static double ExactMatch(string prediction, IReadOnlyCollection<string> goldAnswers)
    {
        var normalized = Normalize(prediction);
        return Golds(goldAnswers).Any(gold => Normalize(gold) == normalized) ? 1 : 0;
    }

    /// <summary>The best token-overlap F1 between the prediction and any gold answer.</summary>
    public static double F1(string prediction, IReadOnlyCollection<string> goldAnswers)
    {
        var predicted = Tokens(Normalize(prediction));
        return Golds(goldAnswers).Max(gold => F1(predicted, Tokens(Normalize(gold))));
    }

    private static double F1(string[] predicted, string[] gold)
    {
        if (predicted.Length == 0 || gold.Length == 0)
        {
            // Official rule: an empty side scores 1 only against another empty side.
            return predicted.Length == gold.Length ? 1 : 0;
        }

        var goldCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in gold)
        {
            goldCounts[token] = goldCounts.GetValueOrDefault(token) + 1;
        }

        var common = 0;
        foreach (var token in predicted)
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

        var precision = (double)common / predicted.Length;
        var recall = (double)common / gold.Length;
        return 2 * precision * recall / (precision + recall);
    }

    private static IReadOnlyCollection<string> Golds(IReadOnlyCollection<string> goldAnswers)
    {
        ArgumentNullException.ThrowIfNull(goldAnswers);
        return goldAnswers.Count == 0 ? [""] : goldAnswers;
    }

    /// <summary>Python's str.split(): runs of whitespace, which there include the separators U+001C..U+001F.</summary>
    private static string[] Tokens(string text) =>
        SplitWhere(text, static c => char.IsWhiteSpace(c) || c is >= '\u001c' and <= '\u001f');

    private static string[] SplitWhere(string text, Func<char, bool> isSeparator)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || isSeparator(text[i]))
            {
                if (start >= 0)
                {
                    tokens.Add(text[start..i]);
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }

        return [.. tokens];
    }

    [GeneratedRegex(@"\b(a|an|the)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Article();
}
