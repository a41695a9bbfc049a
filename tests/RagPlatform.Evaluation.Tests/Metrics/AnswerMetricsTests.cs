using RagPlatform.Evaluation.Metrics;

namespace RagPlatform.Evaluation.Tests.Metrics;

/// <summary>Expected values are those of the official SQuAD v2.0 evaluation script, run on the same strings.</summary>
[Trait("Category", "Unit")]
public sealed class AnswerMetricsTests
{
    [Theory]
    [InlineData("The Eiffel Tower!", "eiffel tower")]
    [InlineData("  A   cat,  an  apple ", "cat apple")]
    [InlineData("U.S.A.", "usa")]                 // punctuation is deleted, not replaced by a space
    [InlineData("don't", "dont")]
    [InlineData("theory", "theory")]              // articles only as whole words
    [InlineData("Anthem", "anthem")]
    [InlineData("the-end", "theend")]             // the hyphen goes first, so "the" is no longer a word
    [InlineData("an(the)a", "anthea")]
    [InlineData("a_b the_c", "ab thec")]          // underscore is ASCII punctuation
    [InlineData("Café the Naïve", "café naïve")]
    [InlineData("Über the top", "über top")]
    [InlineData("1914\u20131918", "1914\u20131918")] // an en dash is not ASCII punctuation: kept
    [InlineData("tab\tand\nnewline", "tab and newline")]
    [InlineData("x\u001cy", "x y")]               // Python's str.split() treats U+001C..U+001F as whitespace
    [InlineData("\u00a0the\u00a0end", "end")]
    [InlineData("The the THE", "")]
    [InlineData("", "")]
    public void Normalize_MatchesTheOfficialSquadNormalisation(string text, string expected) =>
        Assert.Equal(expected, AnswerMetrics.Normalize(text));

    [Theory]
    [InlineData("the France", new[] { "France" }, 1.0)]
    [InlineData("France.", new[] { "Paris", "france" }, 1.0)]
    [InlineData("Franc", new[] { "France" }, 0.0)]
    [InlineData("in France", new[] { "France" }, 0.0)]
    public void ExactMatch_ComparesNormalisedTextsAgainstEveryGoldAnswer(string prediction, string[] golds, double expected) =>
        Assert.Equal(expected, AnswerMetrics.ExactMatch(prediction, golds));

    [Theory]
    [InlineData("the cat sat on the mat", new[] { "a cat on a mat" }, 6.0 / 7)] // p = 3/4, r = 1
    [InlineData("cat cat cat", new[] { "cat" }, 0.5)]                              // a token counts at most as often as in gold
    [InlineData("Denver Broncos", new[] { "Broncos", "Denver Broncos team" }, 0.8)] // the best gold: max(2/3, 0.8)
    [InlineData("Paris", new[] { "France" }, 0.0)]
    [InlineData("the", new[] { "France" }, 0.0)]                                    // normalises to nothing
    [InlineData("the", new[] { "a" }, 1.0)]                                         // both sides empty
    public void F1_IsTheBestTokenOverlapOverGoldAnswers(string prediction, string[] golds, double expected) =>
        Assert.Equal(expected, AnswerMetrics.F1(prediction, golds), precision: 12);

    [Theory]
    [InlineData("", 1.0)]
    [InlineData("France", 0.0)]
    public void NoGoldAnswer_OnlyAnEmptyPredictionScores(string prediction, double expected)
    {
        Assert.Equal(expected, AnswerMetrics.ExactMatch(prediction, []));
        Assert.Equal(expected, AnswerMetrics.F1(prediction, []));
    }
}
