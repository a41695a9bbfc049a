using RagPlatform.Inference.Generation;
using RagPlatform.Inference.Tests.Infrastructure;
using RagPlatform.Tokenizers.Chat;

namespace RagPlatform.Inference.Tests.Parity;

[Trait("Category", "Parity")]
[Collection(InferenceCollection.Name)]
public sealed class GenerationParityTests(InferenceEnvironment env)
{
    private const int MaxNewTokens = 64;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task GenerateGreedy_FiveChatPrompts_TokenIdenticalToTransformersJsGenerate()
    {
        ChatMessage[][] conversations =
        [
            [ChatMessage.User("What is retrieval-augmented generation?")],
            [ChatMessage.System("You are a terse assistant."), ChatMessage.User("Name three primary colors.")],
            [ChatMessage.User($"Answer from the context.\nContext: {ParityTexts.Paragraphs[0]}\nQuestion: {ParityTexts.Questions[0]}")],
            [ChatMessage.User("Hi"), ChatMessage.Assistant("Hello! How can I help?"), ChatMessage.User("Tell me a joke about 🙂 and ünïcödé.")],
            [ChatMessage.User("東京はどこですか？")],
        ];
        using var generator = TextGenerator.Open(env.Sessions, env.Qwen, new TextGeneratorOptions { Session = InferenceEnvironment.Session });
        var options = new GenerationOptions { MaxNewTokens = MaxNewTokens, Temperature = 0, RepetitionPenalty = 1f };

        var request = new
        {
            modelDir = env.Qwen.Path,
            conversations = conversations.Select(c => c.Select(m => new { role = m.Role, content = m.Content })),
            maxNewTokens = MaxNewTokens,
        };
        var (oracle, folder) = await InferenceEnvironment.RunOracleAsync("generate.mjs", request).WaitAsync(Timeout);
        folder.Delete(recursive: true);

        for (var i = 0; i < conversations.Length; i++)
        {
            var expected = oracle["results"]![i]!;
            var expectedPrompt = expected["promptIds"]!.AsArray().Select(t => t!.GetValue<int>()).ToArray();
            var expectedGenerated = expected["generatedIds"]!.AsArray().Select(t => t!.GetValue<int>()).ToList();
            var prompt = GenerationPrompt.FromChat(conversations[i]);

            var result = await generator.GenerateAsync(prompt, options).WaitAsync(Timeout);

            Assert.Equal(expectedPrompt, generator.EncodePrompt(prompt));
            Assert.Equal(expectedPrompt.Length, result.Usage.PromptTokens);
            Assert.Equal(expectedGenerated.Count, result.Usage.CompletionTokens);
            if (expectedGenerated.Count < MaxNewTokens || generator.StopTokenIds.Contains(expectedGenerated[^1]))
            {
                // generate() keeps the eos it stopped at; our stream reports it only in usage.
                Assert.Contains(expectedGenerated[^1], generator.StopTokenIds);
                Assert.Equal(FinishReason.Stop, result.FinishReason);
                expectedGenerated.RemoveAt(expectedGenerated.Count - 1);
            }
            else
            {
                Assert.Equal(FinishReason.Length, result.FinishReason);
            }

            Assert.Equal(expectedGenerated, result.TokenIds);
            Assert.Equal(env.Qwen.Tokenizer.Decode(result.TokenIds.ToArray(), skipSpecialTokens: true), result.Text);
        }

        Assert.Equal(0, generator.CacheTensors.Live);
    }

    [Fact]
    public async Task GenerateGreedy_FullLogitsAndLastPositionHeads_SameTokens()
    {
        // The same forged weights exported both ways: logits [1, n, vocab] read at the last row, and [1, 1, vocab].
        using var full = TextGenerator.Open(env.Sessions, env.QwenFullLogits, new TextGeneratorOptions { Session = InferenceEnvironment.Session });
        using var last = TextGenerator.Open(env.Sessions, env.Qwen, new TextGeneratorOptions { Session = InferenceEnvironment.Session });
        var options = new GenerationOptions { MaxNewTokens = 24, Temperature = 0, RepetitionPenalty = 1f };
        GenerationPrompt[] prompts =
        [
            GenerationPrompt.FromChat([ChatMessage.User("What is retrieval-augmented generation?")]),
            // Longer than one prefill pass of either generator (110 and 512 tokens): chunked prefill on both sides.
            GenerationPrompt.FromText(string.Join(' ', Enumerable.Repeat(ParityTexts.Paragraphs[0], 8))),
        ];

        foreach (var prompt in prompts)
        {
            var expected = await full.GenerateAsync(prompt, options).WaitAsync(Timeout);
            var actual = await last.GenerateAsync(prompt, options).WaitAsync(Timeout);

            Assert.Equal(expected.TokenIds, actual.TokenIds);
            Assert.Equal(expected.FinishReason, actual.FinishReason);
        }

        Assert.True(last.EncodePrompt(prompts[1]).Count > last.PrefillChunkTokens, "the long prompt should take more than one pass");
        Assert.Equal(0, full.CacheTensors.Live);
        Assert.Equal(0, last.CacheTensors.Live);
    }
}
