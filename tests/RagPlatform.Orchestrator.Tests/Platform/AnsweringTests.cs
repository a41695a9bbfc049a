using System.Net;
using System.Text.Json;

namespace RagPlatform.Orchestrator.Tests.Platform;

/// <summary>Uploads and answers through the gateway, with every service a real process.</summary>
[Trait("Category", "EndToEnd")]
public sealed class AnsweringTests(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private GatewayClient Gateway => fixture.Gateway;

    [Fact]
    public async Task Upload_ThenAsk_EveryCitationQuotesTheUploadedTextAtItsOffsets()
    {
        await CreateAsync("citations");
        var texts = new Dictionary<string, string>
        {
            ["volcanoes.md"] = "# Volcanoes\n\nMount Etna is an active stratovolcano on the east coast of Sicily.\n\n## Eruptions\n\nEtna erupts often; its lava flows reach the villages below.",
            ["glaciers.txt"] = "Glaciers form where snow accumulates faster than it melts. The Aletsch Glacier is the largest in the Alps.",
        };
        foreach (var (name, text) in texts)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await Gateway.UploadTextAsync("citations", name, text)).StatusCode);
        }

        var settled = await Gateway.WaitUntilSettledAsync("citations", Settle);
        Assert.All(settled, d => Assert.Equal("indexed", d.GetProperty("state").GetString()));

        var answer = await Gateway.AskAsync(new { collection = "citations", question = "Where is Mount Etna?", maxTokens = 16, answer = "generative" });

        var citations = answer.GetProperty("citations").EnumerateArray().ToList();
        Assert.NotEmpty(citations);
        Assert.Equal(Enumerable.Range(1, citations.Count), citations.Select(c => c.GetProperty("n").GetInt32()).Order());
        foreach (var citation in citations)
        {
            // The markdown parser keeps the text of headings and paragraphs; offsets index that extracted text, and
            // the passage must be a verbatim piece of the document the user uploaded.
            var text = citation.GetProperty("text").GetString()!;
            Assert.Contains(text.Split('\n')[0], texts[citation.GetProperty("documentId").GetString()!], StringComparison.Ordinal);
            Assert.Equal(text.Length, citation.GetProperty("end").GetInt32() - citation.GetProperty("start").GetInt32());
        }

        Assert.Contains(citations, c => c.GetProperty("documentId").GetString() == "volcanoes.md");
        Assert.True(answer.GetProperty("forgedModels").GetBoolean());
        Assert.Empty(answer.GetProperty("degraded").EnumerateArray());
        Assert.Equal("generative", answer.GetProperty("answerKind").GetString());
        Assert.Equal(["rerank"], answer.GetProperty("skipped").EnumerateArray().Select(s => s.GetProperty("stage").GetString()));
        Assert.True(answer.GetProperty("usage").GetProperty("completionTokens").GetInt32() is > 0 and <= 16);
    }

    [Fact]
    public async Task Ask_ForgedGeneratorAndReranker_ExtractiveAnswerQuotesCitedPassagesVerbatim_SkippedStagesSaySo()
    {
        await CreateAsync("extractive");
        await Gateway.UploadTextAsync("extractive", "etna.md",
            "# Mount Etna\n\nMount Etna is an active stratovolcano on the east coast of Sicily. It is 3,357 m high, i.e. the tallest " +
            "active volcano in Europe outside the Caucasus.\n\n## Eruptions\n\nEtna erupts often. Its lava flows reach the villages below.");
        await Gateway.UploadTextAsync("extractive", "glaciers.txt", "Glaciers form where snow accumulates faster than it melts. The Aletsch Glacier is the largest in the Alps.");
        await Gateway.WaitUntilSettledAsync("extractive", Settle);

        var answer = await Gateway.AskAsync(new { collection = "extractive", question = "How high is the volcano?" });

        Assert.Equal("extractive", answer.GetProperty("answerKind").GetString());
        var skipped = answer.GetProperty("skipped").EnumerateArray().ToDictionary(s => s.GetProperty("stage").GetString()!, s => s.GetProperty("reason").GetString()!);
        Assert.Equal(["generate", "rerank"], skipped.Keys.Order());
        Assert.All(skipped.Values, reason => Assert.Contains("forged", reason, StringComparison.Ordinal));
        Assert.Equal(0, answer.GetProperty("usage").GetProperty("completionTokens").GetInt32());
        var citations = answer.GetProperty("citations").EnumerateArray().ToDictionary(c => c.GetProperty("n").GetInt32());
        var quotes = ExtractiveQuotes.Parse(answer.GetProperty("answer").GetString()!);
        Assert.NotEmpty(quotes);
        Assert.Contains(quotes, q => q.Sentence.Contains("3,357 m", StringComparison.Ordinal));
        foreach (var (sentence, n) in quotes)
        {
            Assert.Contains(sentence, citations[n].GetProperty("text").GetString(), StringComparison.Ordinal);
            Assert.True(citations[n].GetProperty("referenced").GetBoolean());
        }
    }

    [Fact]
    public async Task AskGenerative_MorePassagesThanTheBudget_PromptPackedToItInTheGeneratorsOwnTokens()
    {
        await CreateAsync("packing");
        var text = string.Join("\n\n", Enumerable.Range(1, 150).Select(i =>
            $"Section {i} of the field guide describes mountain flora number {i}: alpine plants that grow above the tree line, " +
            $"their leaves, flowers and seeds, how wind and snow shape them, and where walkers find them in summer {i}."));
        await Gateway.UploadTextAsync("packing", "guide.txt", text);
        await Gateway.WaitUntilSettledAsync("packing", Settle);

        var answer = await Gateway.AskAsync(new { collection = "packing", question = "Which alpine plants grow above the tree line?", topK = 20, topN = 20, maxTokens = 4, answer = "generative" });

        // Answering:MaxPromptTokens (2,048) is the bound: the generator's own count of the prompt it got must hold it, and
        // the packing must use it (a passage costs well under 400 tokens), which only an exact local count achieves.
        var usage = answer.GetProperty("usage");
        Assert.True(usage.GetProperty("retrievedPassages").GetInt32() == 20, "the guide has more than 20 chunks");
        Assert.InRange(usage.GetProperty("promptPassages").GetInt32(), 1, 19);
        Assert.InRange(usage.GetProperty("promptTokens").GetInt32(), 2_048 - 400, 2_048);
    }

    [Fact]
    public async Task Reupload_UnchangedBytesAreANoOp_ChangedBytesReplaceTheChunks()
    {
        await CreateAsync("versions");
        await Gateway.UploadTextAsync("versions", "notes.txt", "The first version talks about apples and orchards.");
        var first = (await Gateway.WaitUntilSettledAsync("versions", Settle)).Single();

        var again = await GatewayClient.JsonOf(await Gateway.UploadTextAsync("versions", "notes.txt", "The first version talks about apples and orchards."), HttpStatusCode.Accepted);
        var unchanged = again.GetProperty("documents")[0];
        Assert.Equal("indexed", unchanged.GetProperty("state").GetString());
        Assert.Equal(first.GetProperty("contentHash").GetString(), unchanged.GetProperty("contentHash").GetString());
        Assert.Equal(first.GetProperty("indexedAt").GetString(), unchanged.GetProperty("indexedAt").GetString());

        await Gateway.UploadTextAsync("versions", "notes.txt", "The second version is about submarines and sonar.");
        var second = (await Gateway.WaitUntilSettledAsync("versions", Settle)).Single();
        Assert.NotEqual(first.GetProperty("contentHash").GetString(), second.GetProperty("contentHash").GetString());

        var apples = await Gateway.AskAsync(new { collection = "versions", question = "apples orchards", mode = "lexical", maxTokens = 4 });
        Assert.True(apples.GetProperty("noAnswer").GetBoolean(), "the old version's chunks must be gone");
        var sonar = await Gateway.AskAsync(new { collection = "versions", question = "submarines sonar", mode = "lexical", maxTokens = 4 });
        Assert.Contains("submarines", sonar.GetProperty("citations")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteDocument_ItsPassagesAreNoLongerFound()
    {
        await CreateAsync("deletion");
        await Gateway.UploadTextAsync("deletion", "keep.txt", "Lighthouses guide ships along rocky coasts.");
        await Gateway.UploadTextAsync("deletion", "drop.txt", "Beekeepers harvest honey in late summer.");
        await Gateway.WaitUntilSettledAsync("deletion", Settle);

        Assert.Equal(HttpStatusCode.NoContent, (await Gateway.Http.DeleteAsync("/v1/collections/deletion/documents/drop.txt")).StatusCode);

        var honey = await Gateway.AskAsync(new { collection = "deletion", question = "beekeepers honey", mode = "lexical", maxTokens = 4 });
        Assert.True(honey.GetProperty("noAnswer").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await Gateway.Http.GetAsync("/v1/collections/deletion/documents/drop.txt")).StatusCode);
        Assert.Single(await Gateway.ListDocumentsAsync("deletion"));
    }

    [Fact]
    public async Task Ask_NothingRelevant_AnswerSaysSoAndNothingIsGenerated()
    {
        await CreateAsync("irrelevant");
        await Gateway.UploadTextAsync("irrelevant", "a.txt", "Photosynthesis turns light into chemical energy.");
        await Gateway.WaitUntilSettledAsync("irrelevant", Settle);

        var answer = await Gateway.AskAsync(new { collection = "irrelevant", question = "zqxv wombats yodel", mode = "lexical" });

        Assert.True(answer.GetProperty("noAnswer").GetBoolean());
        Assert.Contains("could not find", answer.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Empty(answer.GetProperty("citations").EnumerateArray());
        Assert.Equal(0, answer.GetProperty("usage").GetProperty("completionTokens").GetInt32());
    }

    [Fact]
    public async Task AskStream_EventsComeAsTokensThenCitationsThenDone()
    {
        await CreateAsync("streaming");
        await Gateway.UploadTextAsync("streaming", "rivers.txt", "The Danube flows through ten countries into the Black Sea.");
        await Gateway.WaitUntilSettledAsync("streaming", Settle);

        var events = await Gateway.AskStreamAsync(new { collection = "streaming", question = "Where does the Danube flow?", maxTokens = 12, answer = "generative" });

        var names = events.Select(e => e.Name).ToList();
        Assert.True(names.Count(n => n == "token") >= 1);
        Assert.Equal(["citations", "done"], names.SkipWhile(n => n == "token"));
        Assert.NotEmpty(events[^2].Data.EnumerateArray());
        Assert.Equal(12, events[^1].Data.GetProperty("usage").GetProperty("completionTokens").GetInt32());
    }

    [Theory]
    [InlineData("missing", "a question", HttpStatusCode.NotFound)]
    [InlineData("Bad Name", "a question", HttpStatusCode.BadRequest)]
    public async Task Ask_BadCollection_ProblemJson(string collection, string question, HttpStatusCode expected)
    {
        using var response = await Gateway.PostAskAsync(new { collection, question });

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), problem.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Ask_DeadlineTooShortForTheAnswer_GatewayTimeout()
    {
        await CreateAsync("deadline");
        await Gateway.UploadTextAsync("deadline", "a.txt", "Tides follow the moon's pull on the oceans.");
        await Gateway.WaitUntilSettledAsync("deadline", Settle);

        using var response = await Gateway.PostAskAsync(new { collection = "deadline", question = "What do tides follow?", maxTokens = 1000, timeoutSeconds = 0.3, answer = "generative" });

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    private async Task CreateAsync(string collection)
    {
        using var response = await Gateway.CreateCollectionAsync(collection);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
