using System.Text;
using RagPlatform.Inference.Generation;
using RagPlatform.Inference.Tests.Infrastructure;
using RagPlatform.Tokenizers.Chat;

namespace RagPlatform.Inference.Tests.Unit;

[Trait("Category", "Unit")]
[Collection(InferenceCollection.Name)]
public sealed class TextGeneratorTests(InferenceEnvironment env) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static readonly GenerationPrompt Prompt = GenerationPrompt.FromChat([ChatMessage.User("Tell me about the Normans.")]);
    private readonly TextGenerator _generator = TextGenerator.Open(env.Sessions, env.Qwen, new TextGeneratorOptions { Session = InferenceEnvironment.Session });

    public void Dispose() => _generator.Dispose();

    [Fact]
    public async Task Stream_CancelledMidway_EndsWithCancelledAndReleasesTheCache()
    {
        using var cancellation = new CancellationTokenSource();
        var chunks = new List<GenerationChunk>();
        var liveDuring = 0;

        await foreach (var chunk in _generator.StreamAsync(Prompt, new GenerationOptions { MaxNewTokens = 200 }, cancellation.Token).WithTimeout(Timeout))
        {
            chunks.Add(chunk);
            if (chunks.Count == 3)
            {
                liveDuring = _generator.CacheTensors.Live;
                cancellation.Cancel();
            }

            if (chunk.IsFinal)
            {
                // Released before the final chunk reaches the caller, not when the enumerator is disposed.
                Assert.Equal(0, _generator.CacheTensors.Live);
            }
        }

        Assert.Equal(2 * _generator.Signature.Layers.Count, liveDuring);
        Assert.Equal(4, chunks.Count);
        Assert.Equal(FinishReason.Cancelled, chunks[^1].FinishReason);
        Assert.Equal(3, chunks[^1].Usage!.CompletionTokens);
        Assert.Empty(chunks[^1].TokenIds);
    }

    [Fact]
    public async Task Stream_AlreadyCancelled_FinishesAtOnceWithoutTokens()
    {
        var result = await _generator.GenerateAsync(Prompt, new GenerationOptions(), new CancellationToken(canceled: true)).WaitAsync(Timeout);

        Assert.Equal(FinishReason.Cancelled, result.FinishReason);
        Assert.Equal(0, result.Usage.CompletionTokens);
        Assert.Equal(0, _generator.CacheTensors.Live);
    }

    [Fact]
    public async Task Stream_CallerStopsReading_CacheReleasedOnDispose()
    {
        await foreach (var chunk in _generator.StreamAsync(Prompt, new GenerationOptions { MaxNewTokens = 50 }).WithTimeout(Timeout))
        {
            Assert.True(_generator.CacheTensors.Live > 0);
            break;
        }

        Assert.Equal(0, _generator.CacheTensors.Live);
    }

    [Fact]
    public async Task Generate_StopString_TextEndsBeforeItAndNoChunkLeaksIt()
    {
        var free = await _generator.GenerateAsync(Prompt, new GenerationOptions { MaxNewTokens = 48 }).WaitAsync(Timeout);
        var stop = PickStopString(free.Text);

        var streamed = new StringBuilder();
        GenerationChunk? last = null;
        await foreach (var chunk in _generator.StreamAsync(Prompt, new GenerationOptions { MaxNewTokens = 48, StopStrings = [stop] }).WithTimeout(Timeout))
        {
            streamed.Append(chunk.Text);
            Assert.DoesNotContain(stop, streamed.ToString(), StringComparison.Ordinal);
            last = chunk;
        }

        Assert.Equal(free.Text[..free.Text.IndexOf(stop, StringComparison.Ordinal)], streamed.ToString());
        Assert.Equal(FinishReason.Stop, last!.FinishReason);
        Assert.True(last.Usage!.CompletionTokens < free.Usage.CompletionTokens);
    }

    [Fact]
    public async Task Generate_StreamedText_EqualsDecodingAllIds()
    {
        // Random weights emit arbitrary byte tokens, so characters are split across tokens.
        var result = await _generator.GenerateAsync(Prompt, new GenerationOptions { MaxNewTokens = 64, Temperature = 1f, Seed = 3 }).WaitAsync(Timeout);

        Assert.Equal(env.Qwen.Tokenizer.Decode(result.TokenIds.ToArray(), skipSpecialTokens: true), result.Text);
    }

    [Fact]
    public async Task Generate_SameSeed_SameTokens_OtherSeed_OtherTokens()
    {
        GenerationOptions Options(ulong seed) => new() { MaxNewTokens = 24, Temperature = 1.5f, TopK = 50, TopP = 0.95f, RepetitionPenalty = 1.1f, Seed = seed };

        var first = await _generator.GenerateAsync(Prompt, Options(11)).WaitAsync(Timeout);
        var again = await _generator.GenerateAsync(Prompt, Options(11)).WaitAsync(Timeout);
        var other = await _generator.GenerateAsync(Prompt, Options(12)).WaitAsync(Timeout);

        Assert.Equal(first.TokenIds, again.TokenIds);
        Assert.NotEqual(first.TokenIds, other.TokenIds);
    }

    [Fact]
    public async Task Generate_MaxNewTokens_FinishesWithLength()
    {
        var result = await _generator.GenerateAsync(GenerationPrompt.FromText("Once upon a time"), new GenerationOptions { MaxNewTokens = 5 }).WaitAsync(Timeout);

        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.Equal(5, result.TokenIds.Count);
        Assert.Equal(new GenerationUsage(4, 5), result.Usage);
    }

    [Fact]
    public async Task Generate_ContextWindow_LimitsPromptPlusOutput()
    {
        using var small = TextGenerator.Open(env.Sessions, env.Qwen, new TextGeneratorOptions { Session = InferenceEnvironment.Session, ContextWindow = 7 });

        var result = await small.GenerateAsync(GenerationPrompt.FromText("Once upon a time"), new GenerationOptions { MaxNewTokens = 50 }).WaitAsync(Timeout);

        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.Equal(3, result.Usage.CompletionTokens);
        var error = Assert.Throws<ArgumentException>(() => small.StreamAsync(GenerationPrompt.FromText("one two three four five six seven eight"), new GenerationOptions()));
        Assert.Contains("context window", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stream_InvalidOptions_ThrowsBeforeEnumerating()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => _generator.StreamAsync(Prompt, new GenerationOptions { TopP = 0f }));

        Assert.Equal("top_p", error.ParamName);
        Assert.Equal(0, _generator.CacheTensors.Live);
    }

    [Fact]
    public async Task Generate_ConcurrentGenerations_EachMatchesItsSequentialRun()
    {
        var options = new GenerationOptions { MaxNewTokens = 16 };
        var prompts = new[] { "The river", "Castles of", "In 1066" }.Select(GenerationPrompt.FromText).ToArray();
        var sequential = new List<IReadOnlyList<int>>();
        foreach (var prompt in prompts)
        {
            sequential.Add((await _generator.GenerateAsync(prompt, options).WaitAsync(Timeout)).TokenIds);
        }

        var concurrent = await Task.WhenAll(prompts.Select(p => Task.Run(() => _generator.GenerateAsync(p, options)))).WaitAsync(Timeout);

        Assert.Equal(sequential, concurrent.Select(r => r.TokenIds));
        Assert.Equal(0, _generator.CacheTensors.Live);
    }

    [Fact]
    public async Task Generate_LongPromptPrefilledInChunks_SameTokensAsOnePass()
    {
        var prompt = GenerationPrompt.FromChat([ChatMessage.User(string.Join(' ', Enumerable.Repeat("The Normans gave their name to Normandy, a region in France.", 20)))]);
        var options = new GenerationOptions { MaxNewTokens = 8 };
        using var onePass = TextGenerator.Open(env.Sessions, env.Qwen, new TextGeneratorOptions { Session = InferenceEnvironment.Session, PrefillChunkTokens = int.MaxValue });
        using var chunked = TextGenerator.Open(env.Sessions, env.Qwen, new TextGeneratorOptions { Session = InferenceEnvironment.Session, PrefillChunkTokens = 37 });

        var whole = await onePass.GenerateAsync(prompt, options).WaitAsync(Timeout);
        var inChunks = await chunked.GenerateAsync(prompt, options).WaitAsync(Timeout);

        Assert.True(whole.Usage.PromptTokens > 5 * 37, $"the prompt is only {whole.Usage.PromptTokens} tokens");
        Assert.Equal(whole.TokenIds, inChunks.TokenIds);
        Assert.Equal(0, chunked.CacheTensors.Live);
    }

    [Fact]
    public void PrefillChunkTokens_DefaultForAFullLogitsModel_KeepsOnePassLogitsUnder64MiB()
    {
        using var full = TextGenerator.Open(env.Sessions, env.QwenFullLogits, new TextGeneratorOptions { Session = InferenceEnvironment.Session });

        var logitsBytes = (long)full.PrefillChunkTokens * full.Model.VocabularySize * sizeof(float);

        Assert.False(full.Signature.LastPositionLogits);
        Assert.InRange(logitsBytes, 1, 64L * 1024 * 1024);
        Assert.True(full.PrefillChunkTokens >= 16);
    }

    [Fact]
    public void PrefillChunkTokens_DefaultForALastPositionHead_FeedsLargePasses()
    {
        // One logits row per pass whatever its length: the 64 MiB logits budget does not apply.
        Assert.True(_generator.Signature.LastPositionLogits);
        Assert.Equal(512, _generator.PrefillChunkTokens);
    }

    /// <summary>A few characters from the middle of the text, first occurring there (so the stop cuts it short).</summary>
    private static string PickStopString(string text)
    {
        for (var start = text.Length / 3; start < text.Length - 3; start++)
        {
            var candidate = text.Substring(start, 3);
            if (!char.IsSurrogate(candidate[0]) && !char.IsSurrogate(candidate[^1]) && text.IndexOf(candidate, StringComparison.Ordinal) == start)
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No usable stop string in '{text}'.");
    }
}

internal static class AsyncEnumerableTimeouts
{
    /// <summary>Bounds every MoveNext of a stream.</summary>
    public static async IAsyncEnumerable<T> WithTimeout<T>(this IAsyncEnumerable<T> source, TimeSpan timeout)
    {
        await using var enumerator = source.GetAsyncEnumerator();
        while (await enumerator.MoveNextAsync().AsTask().WaitAsync(timeout))
        {
            yield return enumerator.Current;
        }
    }
}
