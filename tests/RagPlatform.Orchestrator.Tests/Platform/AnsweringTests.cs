using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RagPlatform.Client;

namespace RagPlatform.Orchestrator.Tests.Platform;

/// <summary>Uploads and answers through the gateway, with every service a real process.</summary>
[Trait("Category", "EndToEnd")]
public sealed class AnsweringTests(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private RagPlatformClient Gateway => fixture.Gateway;

    [Fact]
    public async Task Upload_ThenAsk_EveryCitationQuotesTheUploadedTextAtItsOffsets()
    {
        await Gateway.CreateCollectionAsync("citations");
        var texts = new Dictionary<string, string>
        {
            ["volcanoes.md"] = "# Volcanoes\n\nMount Etna is an active stratovolcano on the east coast of Sicily.\n\n## Eruptions\n\nEtna erupts often; its lava flows reach the villages below.",
            ["glaciers.txt"] = "Glaciers form where snow accumulates faster than it melts. The Aletsch Glacier is the largest in the Alps.",
        };
        foreach (var (name, text) in texts)
        {
            Assert.Equal(DocumentStates.Queued, (await UploadAsync("citations", name, text)).State);
        }

        var settled = await Gateway.WaitUntilSettledAsync("citations", Settle);
        Assert.All(settled, d => Assert.Equal(DocumentStates.Indexed, d.State));

        var answer = await Gateway.AskAsync(new AskRequest("citations", "Where is Mount Etna?") { MaxTokens = 16, Answer = AnswerKinds.Generative });

        Assert.NotEmpty(answer.Citations);
        Assert.Equal(Enumerable.Range(1, answer.Citations.Count), answer.Citations.Select(c => c.N).Order());
        foreach (var citation in answer.Citations)
        {
            // The markdown parser keeps the text of headings and paragraphs; offsets index that extracted text, and
            // the passage must be a verbatim piece of the document the user uploaded.
            Assert.Contains(citation.Text.Split('\n')[0], texts[citation.DocumentId], StringComparison.Ordinal);
            Assert.Equal(citation.Text.Length, citation.End - citation.Start);
        }

        Assert.Contains(answer.Citations, c => c.DocumentId == "volcanoes.md");
        Assert.True(answer.ForgedModels);
        Assert.Empty(answer.Degraded);
        Assert.Equal(AnswerKinds.Generative, answer.AnswerKind);
        Assert.Equal(["rerank"], answer.Skipped.Select(s => s.Stage));
        Assert.True(answer.Usage.CompletionTokens is > 0 and <= 16);
    }

    [Fact]
    public async Task Ask_ForgedGeneratorAndReranker_ExtractiveAnswerQuotesCitedPassagesVerbatim_SkippedStagesSaySo()
    {
        await Gateway.CreateCollectionAsync("extractive");
        await UploadAsync("extractive", "etna.md",
            "# Mount Etna\n\nMount Etna is an active stratovolcano on the east coast of Sicily. It is 3,357 m high, i.e. the tallest " +
            "active volcano in Europe outside the Caucasus.\n\n## Eruptions\n\nEtna erupts often. Its lava flows reach the villages below.");
        await UploadAsync("extractive", "glaciers.txt", "Glaciers form where snow accumulates faster than it melts. The Aletsch Glacier is the largest in the Alps.");
        await Gateway.WaitUntilSettledAsync("extractive", Settle);

        var answer = await Gateway.AskAsync(new AskRequest("extractive", "How high is the volcano?"));

        Assert.Equal(AnswerKinds.Extractive, answer.AnswerKind);
        var skipped = answer.Skipped.ToDictionary(s => s.Stage, s => s.Reason);
        Assert.Equal(["generate", "rerank"], skipped.Keys.Order());
        Assert.All(skipped.Values, reason => Assert.Contains("forged", reason, StringComparison.Ordinal));
        Assert.Equal(0, answer.Usage.CompletionTokens);
        var citations = answer.Citations.ToDictionary(c => c.N);
        var quotes = ExtractiveQuotes.Parse(answer.Answer);
        Assert.NotEmpty(quotes);
        Assert.Contains(quotes, q => q.Sentence.Contains("3,357 m", StringComparison.Ordinal));
        foreach (var (sentence, n) in quotes)
        {
            Assert.Contains(sentence, citations[n].Text, StringComparison.Ordinal);
            Assert.True(citations[n].Referenced);
        }
    }

    [Fact]
    public async Task AskGenerative_MorePassagesThanTheBudget_PromptPackedToItInTheGeneratorsOwnTokens()
    {
        await Gateway.CreateCollectionAsync("packing");
        var text = string.Join("\n\n", Enumerable.Range(1, 150).Select(i =>
            $"Section {i} of the field guide describes mountain flora number {i}: alpine plants that grow above the tree line, " +
            $"their leaves, flowers and seeds, how wind and snow shape them, and where walkers find them in summer {i}."));
        await UploadAsync("packing", "guide.txt", text);
        await Gateway.WaitUntilSettledAsync("packing", Settle);

        var answer = await Gateway.AskAsync(new AskRequest("packing", "Which alpine plants grow above the tree line?")
        {
            TopK = 20,
            TopN = 20,
            MaxTokens = 4,
            Answer = AnswerKinds.Generative,
        });

        // Answering:MaxPromptTokens (2,048) is the bound: the generator's own count of the prompt it got must hold it, and
        // the packing must use it (a passage costs well under 400 tokens), which only an exact local count achieves.
        Assert.True(answer.Usage.RetrievedPassages == 20, "the guide has more than 20 chunks");
        Assert.InRange(answer.Usage.PromptPassages, 1, 19);
        Assert.InRange(answer.Usage.PromptTokens, 2_048 - 400, 2_048);
    }

    [Fact]
    public async Task Reupload_UnchangedBytesAreANoOp_ChangedBytesReplaceTheChunks()
    {
        await Gateway.CreateCollectionAsync("versions");
        await UploadAsync("versions", "notes.txt", "The first version talks about apples and orchards.");
        var first = (await Gateway.WaitUntilSettledAsync("versions", Settle)).Single();

        var unchanged = await UploadAsync("versions", "notes.txt", "The first version talks about apples and orchards.");
        Assert.Equal(DocumentStates.Indexed, unchanged.State);
        Assert.Equal(first.ContentHash, unchanged.ContentHash);
        Assert.Equal(first.IndexedAt, unchanged.IndexedAt);

        await UploadAsync("versions", "notes.txt", "The second version is about submarines and sonar.");
        var second = (await Gateway.WaitUntilSettledAsync("versions", Settle)).Single();
        Assert.NotEqual(first.ContentHash, second.ContentHash);

        var apples = await Gateway.AskAsync(new AskRequest("versions", "apples orchards") { Mode = RetrievalModes.Lexical, MaxTokens = 4 });
        Assert.True(apples.NoAnswer, "the old version's chunks must be gone");
        var sonar = await Gateway.AskAsync(new AskRequest("versions", "submarines sonar") { Mode = RetrievalModes.Lexical, MaxTokens = 4 });
        Assert.Contains("submarines", sonar.Citations[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteDocument_ItsPassagesAreNoLongerFound()
    {
        await Gateway.CreateCollectionAsync("deletion");
        await UploadAsync("deletion", "keep.txt", "Lighthouses guide ships along rocky coasts.");
        await UploadAsync("deletion", "drop.txt", "Beekeepers harvest honey in late summer.");
        await Gateway.WaitUntilSettledAsync("deletion", Settle);

        await Gateway.DeleteDocumentAsync("deletion", "drop.txt");

        var honey = await Gateway.AskAsync(new AskRequest("deletion", "beekeepers honey") { Mode = RetrievalModes.Lexical, MaxTokens = 4 });
        Assert.True(honey.NoAnswer);
        var gone = await Assert.ThrowsAsync<RagPlatformException>(() => Gateway.GetDocumentAsync("deletion", "drop.txt"));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Single(await Gateway.ListAllDocumentsAsync("deletion"));
    }

    [Fact]
    public async Task Ask_NothingRelevant_AnswerSaysSoAndNothingIsGenerated()
    {
        await Gateway.CreateCollectionAsync("irrelevant");
        await UploadAsync("irrelevant", "a.txt", "Photosynthesis turns light into chemical energy.");
        await Gateway.WaitUntilSettledAsync("irrelevant", Settle);

        var answer = await Gateway.AskAsync(new AskRequest("irrelevant", "zqxv wombats yodel") { Mode = RetrievalModes.Lexical });

        Assert.True(answer.NoAnswer);
        Assert.Contains("could not find", answer.Answer, StringComparison.Ordinal);
        Assert.Empty(answer.Citations);
        Assert.Equal(0, answer.Usage.CompletionTokens);
    }

    [Fact]
    public async Task AskStream_EventsComeAsTokensThenCitationsThenDone()
    {
        await Gateway.CreateCollectionAsync("streaming");
        await UploadAsync("streaming", "rivers.txt", "The Danube flows through ten countries into the Black Sea.");
        await Gateway.WaitUntilSettledAsync("streaming", Settle);

        var events = new List<IAnswerEvent>();
        await foreach (var next in Gateway.AskStreamAsync(new AskRequest("streaming", "Where does the Danube flow?") { MaxTokens = 12, Answer = AnswerKinds.Generative }))
        {
            events.Add(next);
        }

        Assert.True(events.OfType<AnswerToken>().Any());
        Assert.Equal([typeof(AnswerCitations), typeof(AnswerDone)], events.SkipWhile(e => e is AnswerToken).Select(e => e.GetType()));
        Assert.NotEmpty(((AnswerCitations)events[^2]).Citations);
        Assert.Equal(12, ((AnswerDone)events[^1]).Usage.CompletionTokens);
    }

    [Fact]
    public async Task AskStream_OnTheWire_IsServerSentEventsEachNamedWithOneJsonData()
    {
        await Gateway.CreateCollectionAsync("wire");
        await UploadAsync("wire", "tides.txt", "Tides follow the moon's pull on the oceans.");
        await Gateway.WaitUntilSettledAsync("wire", Settle);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ask") { Content = JsonContent.Create(new { collection = "wire", question = "What do tides follow?", maxTokens = 4 }) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var response = await fixture.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var blocks = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["citations", "done"], blocks.Select(b => b.Split('\n')[0]).SkipWhile(l => l == "event: token").Select(l => l["event: ".Length..]));
        Assert.All(blocks, b => JsonDocument.Parse(b.Split('\n')[1]["data: ".Length..]).Dispose());
    }

    [Theory]
    [InlineData("missing", "a question", HttpStatusCode.NotFound)]
    [InlineData("Bad Name", "a question", HttpStatusCode.BadRequest)]
    public async Task Ask_BadCollection_ProblemJson(string collection, string question, HttpStatusCode expected)
    {
        using var response = await fixture.Http.PostAsJsonAsync("/v1/ask", new { collection, question });

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), problem.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Ask_DeadlineTooShortForTheAnswer_GatewayTimeout()
    {
        await Gateway.CreateCollectionAsync("deadline");
        await UploadAsync("deadline", "a.txt", "Tides follow the moon's pull on the oceans.");
        await Gateway.WaitUntilSettledAsync("deadline", Settle);

        var failure = await Assert.ThrowsAsync<RagPlatformException>(() =>
            Gateway.AskAsync(new AskRequest("deadline", "What do tides follow?") { MaxTokens = 1000, TimeoutSeconds = 0.3, Answer = AnswerKinds.Generative }));

        Assert.Equal(HttpStatusCode.GatewayTimeout, failure.StatusCode);
        Assert.False(string.IsNullOrEmpty(failure.RequestId));
    }

    private Task<DocumentResource> UploadAsync(string collection, string fileName, string text) =>
        Gateway.UploadDocumentAsync(collection, new UploadFile(fileName, Encoding.UTF8.GetBytes(text)));
}
