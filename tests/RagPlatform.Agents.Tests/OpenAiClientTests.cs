using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OpenAI;
using RagPlatform.SemanticKernel;

namespace RagPlatform.Agents.Tests;

/// <summary>
/// The official OpenAI clients on the gateway's /openai/v1, as the README shows them: Microsoft.Extensions.AI.OpenAI
/// through AddRagPlatform, Semantic Kernel's own OpenAI connector, and the OpenAI .NET SDK.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(AgentsPlatformCollection.Name)]
public sealed class OpenAiClientTests(AgentsPlatformFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private string RagModel => $"rag:{AgentsPlatformFixture.Collection}";

    private Uri OpenAiEndpoint => new(fixture.GatewayUri, "/openai/v1");

    [Fact]
    public async Task AddRagPlatformChatClient_RagModel_AnswersFromTheDocument()
    {
        using var services = new ServiceCollection()
            .AddRagPlatform(fixture.GatewayUri, fixture.Platform.ApiKey, o => o with { ChatModelId = RagModel })
            .BuildServiceProvider();

        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync(AgentsPlatformFixture.Question).WaitAsync(Bound);

        Assert.Contains("lava cools quickly", response.Text, StringComparison.Ordinal);
        Assert.Equal(RagModel, response.ModelId);
    }

    [Fact]
    public async Task AddRagPlatformClients_NoModelIds_DiscoverTheGeneratorAndEmbedder()
    {
        using var services = new ServiceCollection().AddRagPlatform(fixture.GatewayUri, fixture.Platform.ApiKey).BuildServiceProvider();
        var models = (await fixture.Gateway.GetModelsAsync().WaitAsync(Bound)).Services.ToDictionary(s => s.Role);

        var reply = await services.GetRequiredService<IChatClient>()
            .GetResponseAsync("Say hello.", new ChatOptions { MaxOutputTokens = 4 }).WaitAsync(Bound);
        var embeddings = await services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>()
            .GenerateAsync(["basalt", "granite"]).WaitAsync(Bound);

        Assert.Equal(models["generator"].ModelId, reply.ModelId);
        Assert.Equal(2, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(models["embedder"].Dimensions, e.Vector.Length));
        Assert.NotEqual(embeddings[0].Vector.ToArray(), embeddings[1].Vector.ToArray());
    }

    [Fact]
    public async Task SemanticKernelOpenAiConnector_PointedAtOpenAiV1_ChatsAndEmbeds()
    {
        var embedder = (await fixture.Gateway.GetModelsAsync().WaitAsync(Bound)).Services.Single(s => s.Role == "embedder");
        // SK 1.82 marks its embedding generator over an OpenAIClient experimental; it is how the connector takes another endpoint.
#pragma warning disable SKEXP0010
        var kernel = Kernel.CreateBuilder()
            .AddOpenAIChatCompletion(RagModel, OpenAiEndpoint, fixture.Platform.ApiKey)
            .AddOpenAIEmbeddingGenerator(embedder.ModelId!, new OpenAIClient(new ApiKeyCredential(fixture.Platform.ApiKey), new OpenAIClientOptions { Endpoint = OpenAiEndpoint }))
            .Build();
#pragma warning restore SKEXP0010

        var answer = await kernel.InvokePromptAsync(AgentsPlatformFixture.Question).WaitAsync(Bound);
        var streamed = string.Concat(await kernel.GetRequiredService<IChatCompletionService>()
            .GetStreamingChatMessageContentsAsync(AgentsPlatformFixture.Question).Select(c => c.Content).ToListAsync().AsTask().WaitAsync(Bound));
        var vector = await kernel.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateVectorAsync("basalt").WaitAsync(Bound);

        Assert.Contains("lava cools quickly", answer.ToString(), StringComparison.Ordinal);
        Assert.Contains("lava cools quickly", streamed, StringComparison.Ordinal);
        Assert.Equal(embedder.Dimensions, vector.Length);
    }

    [Fact]
    public async Task OpenAiSdk_ReadmeSnippet_ReturnsTheCitedAnswer()
    {
        var openai = new OpenAIClient(new ApiKeyCredential(fixture.Platform.ApiKey), new OpenAIClientOptions { Endpoint = OpenAiEndpoint });

        var reply = await openai.GetChatClient(RagModel).CompleteChatAsync(AgentsPlatformFixture.Question).WaitAsync(Bound);

        Assert.Contains("lava cools quickly", reply.Value.Content[0].Text, StringComparison.Ordinal);
    }
}
