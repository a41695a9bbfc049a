using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Inference.Generation;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;
using RagPlatform.Testing;
using InferenceFinishReason = RagPlatform.Inference.Generation.FinishReason;
using RagPlatform.Tokenizers;
using RagPlatform.Tokenizers.Chat;
using TemplateMessage = RagPlatform.Tokenizers.Chat.ChatMessage;
using WireFinishReason = RagPlatform.Contracts.V1.FinishReason;

namespace RagPlatform.ModelServices.Tests.Generator;

[Trait("Category", "EndToEnd")]
[Collection(GeneratorProcessCollection.Name)]
public sealed class GeneratorServiceTests(GeneratorProcessFixture generator)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Generate_Prompt_StreamsChunksThenFinalUsageAndLength()
    {
        var chunks = await generator.GenerateAllAsync(new GenerateRequest { Prompt = "The capital of France is", MaxNewTokens = 8 });

        Assert.True(chunks.Count >= 2, $"expected several chunks, got {chunks.Count}");
        Assert.All(chunks[..^1], c => Assert.Equal(WireFinishReason.Unspecified, c.FinishReason));
        Assert.All(chunks[..^1], c => Assert.Null(c.Usage));
        var last = chunks[^1];
        Assert.NotNull(last.Usage);
        Assert.True(last.Usage.PromptTokens > 0);
        Assert.True(last.FinishReason is WireFinishReason.Length or WireFinishReason.Stop);
        if (last.FinishReason == WireFinishReason.Length)
        {
            Assert.Equal(8, last.Usage.CompletionTokens);
            Assert.Equal(8, chunks.Sum(c => c.TokenIds.Count));
        }
    }

    [Fact]
    public async Task Generate_Greedy_EqualsInProcessTextGenerator()
    {
        var messages = new[] { TemplateMessage.System("You are terse."), TemplateMessage.User("What is RAG?") };
        var request = new GenerateRequest { Chat = new Chat(), MaxNewTokens = 24 };
        request.Chat.Messages.Add(new Contracts.V1.ChatMessage { Role = ChatRole.System, Content = messages[0].Content });
        request.Chat.Messages.Add(new Contracts.V1.ChatMessage { Role = ChatRole.User, Content = messages[1].Content });

        var chunks = await generator.GenerateAllAsync(request);
        var expected = await GenerateInProcessAsync(GenerationPrompt.FromChat(messages), 24);

        Assert.Equal(expected.TokenIds, chunks.SelectMany(c => c.TokenIds));
        Assert.Equal(expected.Text, string.Concat(chunks.Select(c => c.Text)));
        Assert.Equal(expected.Usage.PromptTokens, chunks[^1].Usage.PromptTokens);
        Assert.Equal(expected.Usage.CompletionTokens, chunks[^1].Usage.CompletionTokens);
        Assert.Equal(expected.FinishReason == InferenceFinishReason.Stop ? WireFinishReason.Stop : WireFinishReason.Length, chunks[^1].FinishReason);
    }

    [Fact]
    public async Task Generate_SameSeed_SameSampledText()
    {
        GenerateRequest Sampled() => new()
        {
            Prompt = "Once upon a time",
            MaxNewTokens = 12,
            Sampling = new SamplingParameters { Temperature = 0.9f, TopK = 50, TopP = 0.95f, Seed = 1234 },
        };

        var first = await generator.GenerateAllAsync(Sampled());
        var second = await generator.GenerateAllAsync(Sampled());

        Assert.Equal(first.SelectMany(c => c.TokenIds), second.SelectMany(c => c.TokenIds));
    }

    public static TheoryData<string, GenerateRequest, string> BadRequests() => new()
    {
        { "negative max tokens", new GenerateRequest { Prompt = "hi", MaxNewTokens = -1 }, "max_new_tokens" },
        { "max tokens over the limit", new GenerateRequest { Prompt = "hi", MaxNewTokens = GeneratorProcessFixture.MaxNewTokensLimit + 1 }, "max_new_tokens" },
        { "NaN temperature", new GenerateRequest { Prompt = "hi", Sampling = new SamplingParameters { Temperature = float.NaN } }, "temperature" },
        { "temperature over 2", new GenerateRequest { Prompt = "hi", Sampling = new SamplingParameters { Temperature = 2.5f } }, "temperature" },
        { "negative top_k", new GenerateRequest { Prompt = "hi", Sampling = new SamplingParameters { TopK = -1 } }, "top_k" },
        { "top_p 0", new GenerateRequest { Prompt = "hi", Sampling = new SamplingParameters { TopP = 0 } }, "top_p" },
        { "repetition penalty over 2", new GenerateRequest { Prompt = "hi", Sampling = new SamplingParameters { RepetitionPenalty = 3 } }, "repetition_penalty" },
        { "unknown chat role", ChatWithRole((ChatRole)7), "role" },
        { "unspecified chat role", ChatWithRole(ChatRole.Unspecified), "role" },
        { "no input", new GenerateRequest { MaxNewTokens = 4 }, "input" },
        { "empty prompt", new GenerateRequest { Prompt = "" }, "prompt" },
        { "empty chat", new GenerateRequest { Chat = new Chat() }, "chat.messages" },
        { "17 stop strings", WithStops(Enumerable.Repeat("x", 17)), "stop" },
        { "empty stop string", WithStops([""]), "stop[0]" },
        { "stop string of 257 characters", WithStops([new string('x', 257)]), "stop[0]" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Generate_BadRequest_InvalidArgumentNamingTheFieldAndKeepsServing(string scenario, GenerateRequest request, string field)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => generator.GenerateAllAsync(request));

        Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{scenario}: {error.Status}");
        Assert.Contains(field, error.Status.Detail, StringComparison.Ordinal);
        var good = await generator.GenerateAllAsync(GeneratorProcessFixture.ShortRequest());
        Assert.NotNull(good[^1].Usage);
    }

    [Fact]
    public async Task Generate_PromptTooLongForContextWindow_InvalidArgumentWithBothNumbers()
    {
        var info = await generator.Client.InfoAsync(new InfoRequest(), new CallOptions(deadline: DateTime.UtcNow.Add(Bound)));
        // " word" is one token: this prompt alone nearly fills the window, so 1,024 new tokens cannot fit.
        var prompt = string.Concat(Enumerable.Repeat(" word", info.MaxTokens - 500));
        var request = new GenerateRequest { Prompt = prompt, MaxNewTokens = 1024 };

        var error = await Assert.ThrowsAsync<RpcException>(() => generator.GenerateAllAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("max_new_tokens is 1024", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(info.MaxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Status.Detail, StringComparison.Ordinal);
        Assert.Matches(@"prompt is \d+ tokens", error.Status.Detail);
        Assert.NotNull((await generator.GenerateAllAsync(GeneratorProcessFixture.ShortRequest()))[^1].Usage);
    }

    [Fact]
    public async Task GetTokenizer_LocalCopyCountsAChatAsGenerateEncodesIt()
    {
        var directory = Directory.CreateTempSubdirectory("rag-generator-tokenizer-").FullName;
        try
        {
            using (var call = generator.Client.GetTokenizer(new InfoRequest(), new CallOptions(deadline: DateTime.UtcNow.Add(Bound))))
            {
                await foreach (var piece in call.ResponseStream.ReadAllAsync())
                {
                    await using var file = new FileStream(Path.Combine(directory, piece.Name), FileMode.Append);
                    await file.WriteAsync(piece.Data.Memory);
                }
            }

            var tokenizer = TokenizerLoader.Load(directory);
            var info = await generator.Client.InfoAsync(new InfoRequest(), new CallOptions(deadline: DateTime.UtcNow.Add(Bound)));
            TemplateMessage[] messages = [TemplateMessage.System("Answer from the passages."), TemplateMessage.User("Passages:\n\n[1] Zürich — 42 °C?\n\nQuestion: why?")];
            var counted = tokenizer.Encode(ChatTemplates.Render(info.Architecture, messages)).Length;

            var chunks = await generator.GenerateAllAsync(new GenerateRequest
            {
                Chat = new Chat { Messages = { messages.Select(m => new Contracts.V1.ChatMessage { Role = m.Role == "system" ? ChatRole.System : ChatRole.User, Content = m.Content }) } },
                MaxNewTokens = 1,
            });

            Assert.Equal(chunks[^1].Usage.PromptTokens, counted);
            Assert.Contains("tokenizer.json", Directory.GetFiles(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Info_DescribesTheForgedQwenModel()
    {
        var info = await generator.Client.InfoAsync(new InfoRequest(), new CallOptions(deadline: DateTime.UtcNow.Add(Bound)));

        Assert.True(info.Forged);
        Assert.Equal("qwen2", info.Architecture);
        Assert.Equal("Qwen/Qwen2.5-0.5B-Instruct", info.ModelId);
        Assert.True(info.MaxTokens > 1024);
        Assert.True(info.VocabularySize > 150_000);
        Assert.Equal(0, info.Dimensions);
    }

    private static async Task<GenerationResult> GenerateInProcessAsync(GenerationPrompt prompt, int maxNewTokens)
    {
        using var textGenerator = TextGenerator.Open(OnnxSessionFactory.Create(), ModelDirectory.Load(GeneratorProcessFixture.ModelDirectory));
        return await textGenerator.GenerateAsync(prompt, new GenerationOptions { MaxNewTokens = maxNewTokens }).WaitAsync(Bound);
    }

    private static GenerateRequest ChatWithRole(ChatRole role)
    {
        var request = new GenerateRequest { Chat = new Chat() };
        request.Chat.Messages.Add(new Contracts.V1.ChatMessage { Role = ChatRole.User, Content = "hi" });
        request.Chat.Messages.Add(new Contracts.V1.ChatMessage { Role = role, Content = "hello" });
        return request;
    }

    private static GenerateRequest WithStops(IEnumerable<string> stops)
    {
        var request = new GenerateRequest { Prompt = "hi", MaxNewTokens = 4 };
        request.Stop.AddRange(stops);
        return request;
    }
}
