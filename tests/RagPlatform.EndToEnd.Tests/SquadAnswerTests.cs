using System.Net;
using System.Text.Json;
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
            var body = new { collection = SquadPlatformFixture.Collection, question = questions[i].Question, topK = 5, topN = 5 };
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

            var quotes = ExtractiveQuotes.Parse(answer);
            Assert.NotEmpty(quotes);
            Assert.Equal(answer.Length, quotes.Sum(q => q.Sentence.Length + $" [{q.N}]".Length) + quotes.Count - 1);
            foreach (var (sentence, n) in quotes)
            {
                var cited = citations.Single(c => c.GetProperty("n").GetInt32() == n);
                Assert.True(cited.GetProperty("referenced").GetBoolean(), $"question {i}: [{n}] is quoted but not marked referenced");
                Assert.Contains(sentence, cited.GetProperty("text").GetString(), StringComparison.Ordinal);
            }

            goldFound += citations.Any(c => c.GetProperty("documentId").GetString() == questions[i].GoldDocumentId) ? 1 : 0;
        }

        var recall = (double)goldFound / questions.Count;
        output.WriteLine($"gold paragraph among the 5 retrieved for {goldFound}/{questions.Count} questions ({recall:P0})");
        Assert.True(recall >= 0.9, $"gold paragraph retrieved for only {recall:P0} of questions");
    }

    [Fact]
    public async Task HybridAsk_RealEmbedder_ForgedStagesSkippedWithReasons_AnswerNotForged()
    {
        var models = await GatewayClient.JsonOf(await fixture.Gateway.Http.GetAsync("/v1/models"), HttpStatusCode.OK);
        var forged = models.GetProperty("services").EnumerateArray().ToDictionary(s => s.GetProperty("role").GetString()!, s => s.GetProperty("forged").GetBoolean());

        var answer = await fixture.Gateway.AskAsync(new { collection = SquadPlatformFixture.Collection, question = fixture.Questions[0].Question });

        Assert.Equal(new Dictionary<string, bool> { ["embedder"] = false, ["reranker"] = true, ["generator"] = true }, forged);
        Assert.False(answer.GetProperty("forgedModels").GetBoolean(), "the forged models were skipped: nothing forged shaped the answer");
        Assert.Equal("extractive", answer.GetProperty("answerKind").GetString());
        Assert.Equal(["generate", "rerank"], answer.GetProperty("skipped").EnumerateArray().Select(s => s.GetProperty("stage").GetString()).Order());
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
