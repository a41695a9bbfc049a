using Grpc.Core;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagPlatform.AI;
using RagPlatform.Contracts.V1;
using RagPlatform.Testing;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatRole = Microsoft.Extensions.AI.ChatRole;

namespace RagPlatform.ModelServices.Tests.Generator;

/// <summary>A real Embedder process on the tiny forged MiniLM, for the embedding adapter.</summary>
public sealed class EmbedderProcessFixture : IAsyncLifetime
{
    private ServiceProcess? _process;

    public ServiceProcess Process => _process ?? throw new InvalidOperationException("The embedder process is not started.");

    public async Task InitializeAsync()
    {
        await TestAssets.EnsureTinyModelsAsync().WaitAsync(TimeSpan.FromMinutes(9));
        _process = await ServiceProcess.StartAsync(new ServiceProcessOptions(
            TestPaths.ServiceDll("services/Embedder", "RagPlatform.Embedder"), "rag.v1.Embedder")
        {
            Environment = new Dictionary<string, string?>
            {
                ["Embedder__ModelDirectory"] = TestAssets.TinyModel("minilm-embedder"),
                ["Embedder__IntraOpThreads"] = "1",
            },
        });
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}

/// <summary>The Microsoft.Extensions.AI adapters against the real Generator and Embedder processes.</summary>
[Trait("Category", "EndToEnd")]
[Collection(GeneratorProcessCollection.Name)]
public sealed class PlatformAIAdapterTests(GeneratorProcessFixture generator, EmbedderProcessFixture embedder) : IClassFixture<EmbedderProcessFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ChatClient_GetResponse_ReturnsTextUsageAndFinishReason()
    {
        using var client = new PlatformChatClient(generator.Client);
        ChatMessage[] messages = [new(ChatRole.User, "What is retrieval-augmented generation?")];

        var response = await client.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = 6 }).WaitAsync(Bound);

        var expected = await generator.GenerateAllAsync(new GenerateRequest
        {
            Chat = new Chat { Messages = { new Contracts.V1.ChatMessage { Role = Contracts.V1.ChatRole.User, Content = messages[0].Text } } },
            MaxNewTokens = 6,
        });
        Assert.Equal(string.Concat(expected.Select(c => c.Text)), response.Text);
        Assert.Equal(ChatRole.Assistant, response.Messages.Single().Role);
        Assert.NotNull(response.Usage);
        Assert.Equal(expected[^1].Usage.PromptTokens, response.Usage.InputTokenCount);
        Assert.Equal(expected[^1].Usage.CompletionTokens, response.Usage.OutputTokenCount);
        Assert.Equal(expected[^1].FinishReason == FinishReason.Stop ? ChatFinishReason.Stop : ChatFinishReason.Length, response.FinishReason);
    }

    [Fact]
    public async Task ChatClient_GetStreamingResponse_StreamsUpdatesEndingWithFinishReasonAndUsage()
    {
        var services = new ServiceCollection().AddPlatformChatClient(new Uri(generator.Process.Address)).BuildServiceProvider();
        await using var _ = services;
        var client = services.GetRequiredService<IChatClient>();
        var updates = new List<ChatResponseUpdate>();

        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { MaxOutputTokens = 5 })
            .WithCancellation(new CancellationTokenSource(Bound).Token))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count >= 2);
        Assert.All(updates[..^1], u => Assert.Null(u.FinishReason));
        Assert.NotNull(updates[^1].FinishReason);
        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.True(usage.Details.OutputTokenCount is > 0 and <= 5);
    }

    [Fact]
    public async Task ChatClient_Cancelled_PropagatesAndServerFreesTheSlot()
    {
        using var client = new PlatformChatClient(generator.Client);
        using var cancel = new CancellationTokenSource();
        var received = 0;

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Tell a long story")],
                new ChatOptions { MaxOutputTokens = GeneratorProcessFixture.MaxNewTokensLimit - 200 }, cancel.Token))
            {
                if (++received == 2)
                {
                    await cancel.CancelAsync();
                }
            }
        }).WaitAsync(Bound);

        Assert.Equal(2, received);
        var next = await generator.GenerateAllAsync(GeneratorProcessFixture.ShortRequest(), TimeSpan.FromSeconds(20));
        Assert.NotNull(next[^1].Usage);
    }

    [Fact]
    public async Task ChatClient_InvalidOptions_SurfaceTheServersInvalidArgument()
    {
        using var client = new PlatformChatClient(generator.Client);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { TopP = 0 })).WaitAsync(Bound);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("top_p", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddingGenerator_Generate_ReturnsOneNormalisedVectorPerText()
    {
        var services = new ServiceCollection().AddPlatformEmbeddingGenerator(new Uri(embedder.Process.Address), EmbedRole.Query).BuildServiceProvider();
        await using var _ = services;
        var generatorOfEmbeddings = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        string[] texts = ["What is RAG?", "Retrieval-augmented generation grounds answers in documents.", "x"];

        var embeddings = await generatorOfEmbeddings.GenerateAsync(texts).WaitAsync(Bound);

        Assert.Equal(texts.Length, embeddings.Count);
        Assert.All(embeddings, e =>
        {
            var norm = Math.Sqrt(e.Vector.ToArray().Sum(v => (double)v * v));
            Assert.InRange(norm, 0.999, 1.001);
            Assert.Equal(embeddings[0].Vector.Length, e.Vector.Length);
        });
        Assert.NotEqual(embeddings[0].Vector.ToArray(), embeddings[1].Vector.ToArray());
        Assert.True(embeddings.Usage?.InputTokenCount > 0);
        var direct = await new Contracts.V1.Embedder.EmbedderClient(embedder.Process.Channel).EmbedAsync(
            new EmbedRequest { Texts = { texts[0] }, Role = EmbedRole.Query }, new CallOptions(deadline: DateTime.UtcNow.Add(Bound)));
        Assert.Equal(direct.Embeddings[0].Values, embeddings[0].Vector.ToArray());
    }
}
