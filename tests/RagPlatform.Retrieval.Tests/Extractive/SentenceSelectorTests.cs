using RagPlatform.Retrieval.Extractive;

namespace RagPlatform.Retrieval.Tests.Extractive;

[Trait("Category", "Unit")]
public sealed class SentenceSelectorTests
{
    private static readonly string[] Passages =
    [
        "The Normans were a people in France. They gave their name to Normandy, a region in northern France. Rollo was their first ruler.",
        "Normandy lies on the English Channel. Its capital is Rouen, on the Seine river.",
    ];

    [Fact]
    public void Rank_LexicalOnly_TheSentenceHoldingTheQuestionsRareTermsWins()
    {
        var selector = new SentenceSelector(new ExtractiveSettings { RankPrior = 0 });
        var candidates = selector.Candidates(Passages);

        var ranked = selector.Rank("Who was the first ruler of the Normans?", null, candidates, null);

        Assert.Equal("Rollo was their first ruler.", ranked[0].Sentence.Text);
        Assert.Equal(0, ranked[0].Dense);
    }

    [Fact]
    public void Rank_WithVectors_CosineDecidesWhenWordsDoNotOverlap()
    {
        var selector = new SentenceSelector(new ExtractiveSettings { DenseWeight = 1, RankPrior = 0 });
        var candidates = selector.Candidates(Passages);
        var vectors = candidates.Select(c => c.Text.Contains("Rouen", StringComparison.Ordinal) ? new[] { 1f, 0f } : new[] { 0f, 1f }).ToList();

        var ranked = selector.Rank("Which city governs the province?", new[] { 1f, 0f }, candidates, vectors);

        Assert.Equal("Its capital is Rouen, on the Seine river.", ranked[0].Sentence.Text);
        Assert.Equal(1, ranked[0].Sentence.Passage);
    }

    [Theory]
    [InlineData("var kernel = Kernel.CreateBuilder()\n    .AddOpenAIChatCompletion(\"rag:docs\", new Uri(\"http://127.0.0.1:8080/openai/v1\"), key)\n    .Build();", true)]
    [InlineData("await foreach (var e in gateway.AskStreamAsync(new AskRequest(\"docs\", \"How do I run the tests?\"), cancellationToken))", true)]
    [InlineData("services.AddRagPlatform(options => options.Url = url)", true)]
    [InlineData("if (x) { return y; }", true)]
    [InlineData("Rollo (born around 860) was the first ruler of Normandy (a region in northern France).", false)]
    [InlineData("./test.sh passes extra arguments to dotnet test, so one suite runs alone: ./test.sh --filter Category=Unit", false)]
    [InlineData("The gateway stores API keys hashed and limits each key's request rate.", false)]
    public void LooksLikeCode_StatementSyntaxOrCodePunctuation_ProseWithParenthesesIsNot(string text, bool code)
    {
        Assert.Equal(code, SentenceSelector.LooksLikeCode(text));
    }

    [Fact]
    public void Candidates_CodeSnippetRepeatingTheQuestion_IsNotQuoted()
    {
        var selector = new SentenceSelector(new ExtractiveSettings { RankPrior = 0 });
        string[] passages = ["Run the tests with ./test.sh from the repository root. Console.WriteLine(await kernel.InvokePromptAsync(\"How do I run the tests?\"));"];

        var candidates = selector.Candidates(passages);

        Assert.Equal(["Run the tests with ./test.sh from the repository root."], candidates.Select(c => c.Text));
    }

    [Fact]
    public void Candidates_DropFragmentsAndOverlongSentences_KeepPassageOrderAndBounds()
    {
        var selector = new SentenceSelector(new ExtractiveSettings { MaxPassages = 1, MinSentenceWords = 6, MaxSentenceCharacters = 60 });

        var candidates = selector.Candidates(Passages);

        Assert.Equal(["The Normans were a people in France."], candidates.Select(c => c.Text));
        Assert.All(candidates, c => Assert.Equal(c.Text, Passages[c.Passage].Substring(c.Span.Start, c.Span.Length)));
    }

    [Fact]
    public void Choose_BoundedBySentencesCharactersAndRelativeScore_NoRepeats()
    {
        var selector = new SentenceSelector(new ExtractiveSettings { MaxSentences = 2, MaxCharacters = 40, MinRelativeScore = 0.5f });
        ScoredSentence Scored(string text, float score) => new(new CandidateSentence(0, new SentenceSpan(0, text.Length), text), score, 0, score);

        var chosen = selector.Choose([Scored("first sentence is long enough", 1f), Scored("first sentence is long enough", 0.9f),
            Scored("too long to fit in what is left over", 0.8f), Scored("short one", 0.7f), Scored("weak", 0.1f)]);

        Assert.Equal(["first sentence is long enough", "short one"], chosen.Select(c => c.Sentence.Text));
    }

    [Fact]
    public void Constructor_BadSettings_NamesTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => new SentenceSelector(new ExtractiveSettings { DenseWeight = 2 }));

        Assert.Contains("DenseWeight", error.Message, StringComparison.Ordinal);
    }
}
