using System.Net;
using System.Text.Json;
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
            var body = new { collection = SquadPlatformFixture.Collection, question = questions[i].Question, mode = "lexical", topK = 5, topN = 5, maxTokens = 8 };
            var (answer, citations) = i % 2 == 0 ? await AskJsonAsync(body) : await AskStreamAsync(body);

            Assert.False(string.IsNullOrEmpty(answer), $"question {i} got an empty answer");
            Assert.NotEmpty(citations);
            foreach (var citation in citations)
            {
                var documentId = citation.GetProperty("documentId").GetString()!;
                Assert.True(paragraphs.TryGetValue(documentId, out var text), $"citation of unknown document '{documentId}'");
                var (start, end) = (citation.GetProperty("start").GetInt32(), citation.GetProperty("end").GetInt32());
                Assert.Equal(text[start..end], citation.GetProperty("text").GetString());
            }

            goldFound += citations.Any(c => c.GetProperty("documentId").GetString() == questions[i].GoldDocumentId) ? 1 : 0;
        }

        var recall = (double)goldFound / questions.Count;
        output.WriteLine($"gold paragraph among the 5 retrieved for {goldFound}/{questions.Count} questions ({recall:P0})");
        Assert.True(recall >= 0.8, $"gold paragraph retrieved for only {recall:P0} of questions");
    }

    [Fact]
    public async Task HybridAsk_ForgedModels_SaidPlainly()
    {
        var answer = await fixture.Gateway.AskAsync(new { collection = SquadPlatformFixture.Collection, question = fixture.Questions[0].Question, maxTokens = 4 });

        Assert.True(answer.GetProperty("forgedModels").GetBoolean());
        Assert.Empty(answer.GetProperty("degraded").EnumerateArray());
        Assert.Equal(5, answer.GetProperty("usage").GetProperty("promptPassages").GetInt32());
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

    private async Task<(string Answer, List<JsonElement> Citations)> AskJsonAsync(object body)
    {
        var answer = await fixture.Gateway.AskAsync(body);
        return (answer.GetProperty("answer").GetString()!, [.. answer.GetProperty("citations").EnumerateArray()]);
    }

    private async Task<(string Answer, List<JsonElement> Citations)> AskStreamAsync(object body)
    {
        var events = await fixture.Gateway.AskStreamAsync(body);
        var tokens = events.TakeWhile(e => e.Name == "token").ToList();
        Assert.NotEmpty(tokens);
        Assert.Equal(["citations", "done"], events.Skip(tokens.Count).Select(e => e.Name));
        return (string.Concat(tokens.Select(t => t.Data.GetProperty("text").GetString())), [.. events[tokens.Count].Data.EnumerateArray()]);
    }
}
