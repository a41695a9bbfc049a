using Microsoft.Extensions.AI;

namespace RagPlatform.OpenAi.Tests;

/// <summary>Microsoft.Extensions.AI.OpenAI (11.0.0): IChatClient and IEmbeddingGenerator over the gateway's /openai/v1.</summary>
[Trait("Category", "EndToEnd")]
[Collection(OpenAiFixture.Collection)]
public sealed class ExtensionsAiTests(OpenAiFixture fixture)
{
    private static readonly TimeSpan Bound = OpenAiFixture.Bound;

    [Fact]
    public async Task ChatClient_RagModel_AnswersFromTheCollection()
    {
        IChatClient chat = fixture.OpenAi().GetChatClient("rag:docs").AsIChatClient();

        var response = await chat.GetResponseAsync("Which glacier is the largest in the Alps?", cancellationToken: new CancellationTokenSource(Bound).Token);

        Assert.Contains("Aletsch", response.Text, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task ChatClient_GeneratorStreaming_UpdatesThenUsage()
    {
        IChatClient chat = fixture.OpenAi().GetChatClient(fixture.GeneratorModel).AsIChatClient();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync("Say hello.", new ChatOptions { MaxOutputTokens = 6 }, new CancellationTokenSource(Bound).Token))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        Assert.False(string.IsNullOrEmpty(response.Text));
        Assert.Equal(6, response.Usage?.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
    }

    [Fact]
    public async Task EmbeddingGenerator_VectorsOfTheEmbeddersSize_UnitLength()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator = fixture.OpenAi().GetEmbeddingClient(fixture.EmbedderModel).AsIEmbeddingGenerator();

        var embeddings = await generator.GenerateAsync(["Etna", "Danube"], cancellationToken: new CancellationTokenSource(Bound).Token);

        Assert.Equal(2, embeddings.Count);
        var gateway = await fixture.Platform.CreateGatewayClient().GetModelsAsync().WaitAsync(Bound);
        Assert.All(embeddings, e => Assert.Equal(gateway.Services.Single(s => s.Role == "embedder").Dimensions, e.Vector.Length));
        Assert.All(embeddings, e => Assert.InRange(Math.Sqrt(e.Vector.ToArray().Sum(v => v * v)), 0.999, 1.001));
        Assert.True(embeddings.Usage?.InputTokenCount > 0);
    }
}
