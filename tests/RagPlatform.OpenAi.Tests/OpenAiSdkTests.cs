using System.ClientModel;
using System.Text.Json;
using Grpc.Net.Client;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Rpc = RagPlatform.Contracts.V1;
using ChatMessage = OpenAI.Chat.ChatMessage;

namespace RagPlatform.OpenAi.Tests;

/// <summary>The OpenAI .NET SDK (OpenAI 2.15.0) against the real gateway process: models, embeddings, chat, streaming, errors.</summary>
[Trait("Category", "EndToEnd")]
[Collection(OpenAiFixture.Collection)]
public sealed class OpenAiSdkTests(OpenAiFixture fixture)
{
    private static readonly TimeSpan Bound = OpenAiFixture.Bound;

    [Fact]
    public async Task GetModels_EmbedderGeneratorAndOneRagModelPerReadableCollection()
    {
        var all = (await fixture.OpenAi().GetOpenAIModelClient().GetModelsAsync().WaitAsync(Bound)).Value.Select(m => m.Id).ToList();
        var docsOnly = (await fixture.OpenAi(fixture.DocsOnlyKey).GetOpenAIModelClient().GetModelsAsync().WaitAsync(Bound)).Value.Select(m => m.Id).ToList();

        Assert.Contains(fixture.EmbedderModel, all);
        Assert.Contains(fixture.GeneratorModel, all);
        Assert.Contains("rag:docs", all);
        Assert.Contains("rag:secret", all);
        Assert.Contains("rag:docs", docsOnly);
        Assert.DoesNotContain("rag:secret", docsOnly);
    }

    [Fact]
    public async Task GenerateEmbeddings_SameVectorsAsTheGrpcEmbedCall_UsageCountsTokens()
    {
        string[] texts = ["Mount Etna is in Sicily.", "Glaciers form from snow."];
        var client = fixture.OpenAi().GetEmbeddingClient(fixture.EmbedderModel);

        var result = await client.GenerateEmbeddingsAsync(texts).WaitAsync(Bound);
        using var channel = GrpcChannel.ForAddress(fixture.Platform.Url(PlatformService.Embedder));
        var direct = await new Rpc.Embedder.EmbedderClient(channel).EmbedAsync(new Rpc.EmbedRequest { Texts = { texts }, Role = Rpc.EmbedRole.Passage },
            deadline: DateTime.UtcNow + Bound);

        Assert.Equal(2, result.Value.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(direct.Embeddings[i].Values.ToArray(), result.Value[i].ToFloats().ToArray());
        }

        Assert.Equal(direct.Embeddings.Sum(e => e.TokenCount), result.Value.Usage.InputTokenCount);
    }

    [Fact]
    public async Task CompleteChat_GeneratorModel_PlainChatWithUsage_ForgedFingerprint()
    {
        var client = fixture.OpenAi().GetChatClient(fixture.GeneratorModel);

        var completion = (await client.CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Say hello.")],
            new ChatCompletionOptions { MaxOutputTokenCount = 5, Temperature = 0.7f, TopP = 0.9f }).WaitAsync(Bound)).Value;

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(5, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Equal("forged-weights", completion.SystemFingerprint);
    }

    [Fact]
    public async Task CompleteChat_RagModel_AnswerWithCitationsInTheMessage()
    {
        var client = fixture.OpenAi().GetChatClient("rag:docs");

        var result = await client.CompleteChatAsync([new UserChatMessage("Tell me about rivers."), new AssistantChatMessage("Ask away."),
            new UserChatMessage("How high is Mount Etna?")]).WaitAsync(Bound);

        var completion = result.Value;
        Assert.Contains("3,357 m", completion.Content[0].Text, StringComparison.Ordinal);
        using var raw = JsonDocument.Parse(result.GetRawResponse().Content.ToString());
        var message = raw.RootElement.GetProperty("choices")[0].GetProperty("message");
        var citations = message.GetProperty("citations").EnumerateArray().ToList();
        Assert.Contains(citations, c => c.GetProperty("document_id").GetString() == "volcanoes.md" && c.GetProperty("referenced").GetBoolean());
        Assert.Equal("extractive", raw.RootElement.GetProperty("rag").GetProperty("answer_kind").GetString());
    }

    [Theory]
    [InlineData("rag:docs")]
    [InlineData(null)]
    public async Task CompleteChatStreaming_TextArrivesInUpdates_UsageAndFinishReasonAtTheEnd(string? model)
    {
        var client = fixture.OpenAi().GetChatClient(model ?? fixture.GeneratorModel);
        ChatMessage[] messages = [new UserChatMessage("How high is Mount Etna?")];
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 8 };

        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options).WithCancellation(new CancellationTokenSource(Bound).Token))
        {
            updates.Add(update);
        }

        var streamed = string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(p => p.Text));
        var whole = (await client.CompleteChatAsync(messages, options).WaitAsync(Bound)).Value;
        Assert.NotEmpty(streamed);
        Assert.Equal(whole.Content[0].Text, streamed);
        Assert.Single(updates, u => u.FinishReason is not null);
        Assert.Equal(whole.Usage.OutputTokenCount, updates.Single(u => u.Usage is not null).Usage.OutputTokenCount);
    }

    [Fact]
    public async Task AnyCall_BadKey_401WithOpenAisErrorParsed()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            fixture.OpenAi("not-a-key-of-this-gateway-0000").GetEmbeddingClient(fixture.EmbedderModel).GenerateEmbeddingAsync("x").WaitAsync(Bound));

        Assert.Equal(401, error.Status);
        Assert.Contains("invalid_api_key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteChat_UnknownModel_404ModelNotFound()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            fixture.OpenAi().GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]).WaitAsync(Bound));

        Assert.Equal(404, error.Status);
        Assert.Contains("model_not_found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteChat_RagOverCollectionTheKeyMayNotRead_403()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            fixture.OpenAi(fixture.DocsOnlyKey).GetChatClient("rag:secret").CompleteChatAsync([new UserChatMessage("hi")]).WaitAsync(Bound));

        Assert.Equal(403, error.Status);
    }

    [Fact]
    public async Task GenerateEmbeddings_MoreInputsThanTheLimit_400NamingInput()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            fixture.OpenAi().GetEmbeddingClient(fixture.EmbedderModel).GenerateEmbeddingsAsync(Enumerable.Repeat("word", 257)).WaitAsync(Bound));

        Assert.Equal(400, error.Status);
        Assert.Contains("at most 256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateEmbeddings_OtherDimensions_400()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => fixture.OpenAi().GetEmbeddingClient(fixture.EmbedderModel)
            .GenerateEmbeddingAsync("x", new EmbeddingGenerationOptions { Dimensions = 3 }).WaitAsync(Bound));

        Assert.Equal(400, error.Status);
        Assert.Contains("dimensions", error.Message, StringComparison.Ordinal);
    }
}
