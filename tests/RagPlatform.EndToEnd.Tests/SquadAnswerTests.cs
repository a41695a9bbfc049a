using System.Net;
using Xunit.Abstractions;

namespace RagPlatform.EndToEnd.Tests;

/// <summary>
/// Fifty real SQuAD questions through the gateway, half as JSON and half as server-sent events. Every answer must
/// stream, cite passages, and every citation must be a verbatim piece of an ingested paragraph at its offsets. The
/// paragraph holding the answer must be among the 5 retrieved for at least 80% of the questions. Retrieval is lexical
/// here on purpose: the test models are forged (random weights), so their dense vectors are noise and would only
/// dilute a hybrid ranking; with real weights the same questions run hybrid (see `rag eval squad`).
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(SquadPlatformCollection.Name)]
public sealed class SquadAnswerTests(SquadPlatformFixture fixture, ITestOutputHelper output)
{
    private const int QuestionCount = 50;

    [Fact]
    public async Task FiftyQuestions_StreamCitedAnswers_GoldParagraphInTopFiveForFourFifths()
    {
        var paragraphs = fixture.Paragraphs.ToDictionary(p => p.DocumentId, p => p.Text.Trim());
        var stride = fixture.Questions.Count / QuestionCount;
        var questions = Enumerable.Range(0, QuestionCount).Select(i => fixture.Questions[i * stride]).ToList();
        var goldFound = 0;
        for (var i = 0; i < questions.Count; i++)
        {
            var body = new AskRequest(SquadPlatformFixture.Collection, questions[i].Question) { Mode = RetrievalModes.Lexical, TopK = 5, TopN = 5, MaxTokens = 8 };
            var (answer, citations) = i % 2 == 0 ? await AskJsonAsync(body) : await AskStreamAsync(body);

            Assert.False(string.IsNullOrEmpty(answer), $"question {i} got an empty answer");
            Assert.NotEmpty(citations);
            foreach (var citation in citations)
            {
                Assert.True(paragraphs.TryGetValue(citation.DocumentId, out var text), $"citation of unknown document '{citation.DocumentId}'");
                Assert.Equal(text[citation.Start..citation.End], citation.Text);
            }

            goldFound += citations.Any(c => c.DocumentId == questions[i].GoldDocumentId) ? 1 : 0;
        }

        var recall = (double)goldFound / questions.Count;
        output.WriteLine($"gold paragraph among the 5 retrieved for {goldFound}/{questions.Count} questions ({recall:P0})");
        Assert.True(recall >= 0.8, $"gold paragraph retrieved for only {recall:P0} of questions");
    }

    [Fact]
    public async Task HybridAsk_ForgedModels_SaidPlainly()
    {
        var answer = await fixture.Gateway.AskAsync(new AskRequest(SquadPlatformFixture.Collection, fixture.Questions[0].Question) { MaxTokens = 4 });

        Assert.True(answer.ForgedModels);
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
