using RagPlatform.Inference.Generation;
using RagPlatform.Inference.Tests.Infrastructure;
using RagPlatform.Tokenizers.Chat;

namespace RagPlatform.Inference.Tests.Unit;

/// <summary>A decoder whose LM head runs for the last position only ([1, 1, vocabulary] logits) generates the same text.</summary>
[Trait("Category", "Unit")]
[Collection(InferenceCollection.Name)]
public sealed class LastPositionLogitsTests(InferenceEnvironment env)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task GenerateGreedy_LastPositionLogits_SameTokensAsEveryPositionLogits()
    {
        using var last = TextGenerator.Open(env.Sessions, env.QwenLastLogits, new TextGeneratorOptions { Session = InferenceEnvironment.Session, PrefillChunkTokens = 7 });
        using var every = TextGenerator.Open(env.Sessions, env.Qwen, new TextGeneratorOptions { Session = InferenceEnvironment.Session, PrefillChunkTokens = 7 });
        var prompt = GenerationPrompt.FromChat([ChatMessage.User("Where is Normandy, and who gave it its name?")]);
        var options = new GenerationOptions { MaxNewTokens = 24 };

        var expected = await every.GenerateAsync(prompt, options).WaitAsync(Timeout);
        var actual = await last.GenerateAsync(prompt, options).WaitAsync(Timeout);

        Assert.Equal(expected.TokenIds, actual.TokenIds);
        Assert.Equal(expected.FinishReason, actual.FinishReason);
        Assert.Equal(every.Model.VocabularySize, last.Model.VocabularySize);
        Assert.Equal(0, last.CacheTensors.Live);
    }

    [Fact]
    public void ForwardAll_LastPositionLogits_SaysTheModelHasOnlyTheLastRow()
    {
        using var last = TextGenerator.Open(env.Sessions, env.QwenLastLogits, new TextGeneratorOptions { Session = InferenceEnvironment.Session });
        using var state = last.CreateState(8);

        var error = Assert.Throws<NotSupportedException>(() => state.ForwardAll([1, 2, 3], CancellationToken.None));

        Assert.Contains("last position only", error.Message, StringComparison.Ordinal);
    }
}
