using Microsoft.ML.OnnxRuntime.Tensors;
using RagPlatform.Inference.Generation;
using RagPlatform.Inference.Tests.Infrastructure;

namespace RagPlatform.Inference.Tests.Parity;

[Trait("Category", "Parity")]
[Collection(InferenceCollection.Name)]
public sealed class Float16CacheTests(InferenceEnvironment env)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void StepByStepWithFloat16Cache_CloseToTheFloatModelsFullPass()
    {
        using var half = TextGenerator.Open(env.Sessions, env.QwenFloat16Cache, new TextGeneratorOptions { Session = InferenceEnvironment.Session });
        using var full = TextGenerator.Open(env.Sessions, env.Qwen, new TextGeneratorOptions { Session = InferenceEnvironment.Session });
        var ids = half.EncodePrompt(GenerationPrompt.FromText("The Normans were the people who in the 10th and 11th centuries gave their name to Normandy")).ToArray();
        var vocabulary = half.Model.VocabularySize;

        // The float model's full pass over each prefix against the float16-cache model fed one token at a time.
        var expected = DecoderPasses.FullPassLastLogits(full, ids, [.. Enumerable.Range(1, ids.Length)]);
        var stepped = new float[expected.Length];
        using (var state = half.CreateState(ids.Length))
        {
            for (var i = 0; i < ids.Length; i++)
            {
                state.Forward(ids.AsSpan(i, 1), stepped.AsSpan(i * vocabulary, vocabulary), CancellationToken.None);
            }
        }

        Assert.Equal(TensorElementType.Float16, half.Signature.CacheType);
        Assert.Equal(TensorElementType.Float, full.Signature.CacheType);

        // float16 keeps ~3 decimal digits of the cached keys and values; the logits move by far less than their spread.
        var diff = Vectors.MaxAbsDiff(expected, stepped);
        Assert.True(diff is > 0 and <= 0.05, $"max abs diff {diff:E2}");
        Assert.Equal(0, half.CacheTensors.Live);
    }

    [Fact]
    public async Task Generate_Float16Cache_RunsToLengthAndReleasesTheCache()
    {
        using var half = TextGenerator.Open(env.Sessions, env.QwenFloat16Cache, new TextGeneratorOptions { Session = InferenceEnvironment.Session });

        var result = await half.GenerateAsync(GenerationPrompt.FromText("Once upon a time"), new GenerationOptions { MaxNewTokens = 20 }).WaitAsync(Timeout);

        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.Equal(20, result.TokenIds.Count);
        Assert.Equal(0, half.CacheTensors.Live);
    }
}
