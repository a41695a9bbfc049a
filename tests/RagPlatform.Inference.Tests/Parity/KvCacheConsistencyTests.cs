using RagPlatform.Inference.Generation;
using RagPlatform.Inference.Tests.Infrastructure;
using RagPlatform.Tokenizers.Chat;

namespace RagPlatform.Inference.Tests.Parity;

[Trait("Category", "Parity")]
[Collection(InferenceCollection.Name)]
public sealed class KvCacheConsistencyTests(InferenceEnvironment env)
{
    private const int Stepped = 12;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task StepByStepWithCache_EqualsOneFullForwardPass_HereAndInOnnxruntimeNode()
    {
        using var generator = TextGenerator.Open(env.Sessions, env.Qwen, new TextGeneratorOptions { Session = InferenceEnvironment.Session });
        int[] ids = [.. generator.EncodePrompt(GenerationPrompt.FromChat([ChatMessage.User("Why does a KV cache speed up decoding?")])),
            .. new[] { 785, 1376, 6500, 374, 264, 3974, 11, 1576, 432, 2677, 1112, 13 }];
        var vocabulary = generator.Model.VocabularySize;
        var prefix = ids.Length - Stepped;

        // The last position's logits after the prefix and after each stepped token, each against a fresh full pass over
        // the same tokens (the model may return the last position only, so the reference is one pass per length).
        int[] lengths = [.. Enumerable.Range(prefix, Stepped + 1)];
        var full = DecoderPasses.FullPassLastLogits(generator, ids, lengths);

        var stepped = new float[full.Length];
        using (var state = generator.CreateState(ids.Length))
        {
            state.Forward(ids.AsSpan(0, prefix), stepped.AsSpan(0, vocabulary), CancellationToken.None);
            for (var i = prefix; i < ids.Length; i++)
            {
                state.Forward(ids.AsSpan(i, 1), stepped.AsSpan((i - prefix + 1) * vocabulary, vocabulary), CancellationToken.None);
            }

            Assert.Equal(ids.Length, state.Length);
        }

        Assert.Equal(0, generator.CacheTensors.Live);
        var selfDiff = Vectors.MaxAbsDiff(full, stepped);
        Assert.True(selfDiff <= 1e-4, $"cached vs full forward: max abs diff {selfDiff:E2}");

        var (oracle, folder) = await InferenceEnvironment.RunOracleAsync("decoder-logits.mjs", new { model = env.Qwen.OnnxPath, ids, lengths }).WaitAsync(Timeout);
        try
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(folder.FullName, oracle["file"]!.GetValue<string>()));
            var node = new float[bytes.Length / sizeof(float)];
            Buffer.BlockCopy(bytes, 0, node, 0, bytes.Length);
            var nodeDiff = Vectors.MaxAbsDiff(node, stepped);
            Assert.True(nodeDiff <= 1e-4, $"cached (C#) vs full forward (onnxruntime-node): max abs diff {nodeDiff:E2}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
