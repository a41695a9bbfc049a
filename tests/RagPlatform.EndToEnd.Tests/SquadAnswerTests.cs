using System.Net;
using Xunit.Abstractions;

namespace RagPlatform.EndToEnd.Tests;

/// <summary>
/// Fifty real SQuAD questions through the gateway, half as JSON and half as server-sent events, on the platform as
/// `rag up` starts it by default: the real embedder, the forged reranker (skipped) and generator (so answers are
/// extractive). Every answer must stream, quote sentences each found verbatim in the passage it cites, and every
/// citation must be a verbatim piece of an ingested paragraph at its offsets. The paragraph holding the answer must
/// be among the 5 retrieved (hybrid) for at least 90% of the questions.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(SquadPlatformCollection.Name)]
public sealed class SquadAnswerTests(SquadPlatformFixture fixture, ITestOutputHelper output)
{
    private const int QuestionCount = 50;

    [Fact]
    public async Task FiftyQuestions_StreamExtractiveAnswersQuotingCitedPassages_GoldParagraphInTopFiveForNineTenths()
    {
        var paragraphs = fixture.Paragraphs.ToDictionary(p => p.DocumentId, p => p.Text.Trim());
        var stride = fixture.Questions.Count / QuestionCount;
        var questions = Enumerable.Range(0, QuestionCount).Select(i => fixture.Questions[i * stride]).ToList();
        var goldFound = 0;
        for (var i = 0; i < questions.Count; i++)
        {
            var body = new AskRequest(SquadPlatformFixture.Collection, questions[i].Question) { TopK = 5, TopN = 5 };
            var (answer, citations) = i % 2 == 0 ? await AskJsonAsync(body) : await AskStreamAsync(body);

            Assert.False(string.IsNullOrEmpty(answer), $"question {i} got an empty answer");
            Assert.NotEmpty(citations);
            foreach (var citation in citations)
            {
                Assert.True(paragraphs.TryGetValue(citation.DocumentId, out var text), $"citation of unknown document '{citation.DocumentId}'");
                Assert.Equal(text[citation.Start..citation.End], citation.Text);
            }

            var quotes = ExtractiveQuotes.Parse(answer);
            Assert.NotEmpty(quotes);
            Assert.Equal(answer.Length, quotes.Sum(q => q.Sentence.Length + $" [{q.N}]".Length) + quotes.Count - 1);
            foreach (var (sentence, n) in quotes)
            {
                var cited = citations.Single(c => c.N == n);
                Assert.True(cited.Referenced, $"question {i}: [{n}] is quoted but not marked referenced");
                Assert.Contains(sentence, cited.Text, StringComparison.Ordinal);
            }

            goldFound += citations.Any(c => c.DocumentId == questions[i].GoldDocumentId) ? 1 : 0;
        }

        var recall = (double)goldFound / questions.Count;
        output.WriteLine($"gold paragraph among the 5 retrieved for {goldFound}/{questions.Count} questions ({recall:P0})");
        Assert.True(recall >= 0.9, $"gold paragraph retrieved for only {recall:P0} of questions");
    }

    [Fact]
    public async Task HybridAsk_RealEmbedder_ForgedStagesSkippedWithReasons_AnswerNotForged()
    {
        var models = await fixture.Gateway.GetModelsAsync();

        var answer = await fixture.Gateway.AskAsync(new AskRequest(SquadPlatformFixture.Collection, fixture.Questions[0].Question));

        Assert.Equal(new Dictionary<string, bool?> { ["embedder"] = false, ["reranker"] = true, ["generator"] = true },
            models.Services.ToDictionary(s => s.Role, s => s.Forged));
        Assert.False(answer.ForgedModels, "the forged models were skipped: nothing forged shaped the answer");
        Assert.Equal(AnswerKinds.Extractive, answer.AnswerKind);
        Assert.Equal(["generate", "rerank"], answer.Skipped.Select(s => s.Stage).Order());
        Assert.Empty(answer.Degraded);
        Assert.Equal(5, answer.Usage.PromptPassages);
    }

    [Theory]
    [InlineData("GET", "/v1/collections")]
    [InlineData("POST", "/v1/ask")]
    [InlineData("GET", "/v1/collections/squad/documents")]
    public async Task NoKey_Unauthorized(string method, string path)
    {
        using var anonymous = fixture.Platform.CreateClient(apiKey: "");

        using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<(string Answer, IReadOnlyList<CitationResource> Citations)> AskJsonAsync(AskRequest body)
    {
        var answer = await fixture.Gateway.AskAsync(body);
        return (answer.Answer, answer.Citations);
    }

    private async Task<(string Answer, IReadOnlyList<CitationResource> Citations)> AskStreamAsync(AskRequest body)
    {
        var events = new List<IAnswerEvent>();
        await foreach (var next in fixture.Gateway.AskStreamAsync(body))
        {
            events.Add(next);
        }

        var tokens = events.TakeWhile(e => e is AnswerToken).Cast<AnswerToken>().ToList();
        Assert.NotEmpty(tokens);
        Assert.Equal([typeof(AnswerCitations), typeof(AnswerDone)], events.Skip(tokens.Count).Select(e => e.GetType()));
        return (string.Concat(tokens.Select(t => t.Text)), ((AnswerCitations)events[tokens.Count]).Citations);
    }
}
