using System.Diagnostics;
using System.Runtime.CompilerServices;
using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Orchestrator.Downstream;

namespace RagPlatform.Orchestrator.Answering;

/// <summary>The answer's end: why it stopped and what it cost.</summary>
internal sealed record GenerationSummary(FinishReason FinishReason, int PromptTokens, int CompletionTokens);

/// <summary>
/// Streams the answer from the Generator, passing each piece through <see cref="CitationMarkers"/>. Starting a
/// generation is not repeated on failure (the breaker alone guards it): a second attempt would sample anew.
/// </summary>
internal sealed class AnswerGenerator(ModelServices services)
{
    public async IAsyncEnumerable<string> StreamAsync(AskPlan plan, AnswerPrompt prompt, CitationMarkers markers, AnswerTrace trace,
        Action<GenerationSummary> finished, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var request = new GenerateRequest { Chat = prompt.Chat, MaxNewTokens = plan.MaxNewTokens, Sampling = plan.Sampling };
        await foreach (var chunk in GenerateAsync(request, plan.Deadline, cancellationToken))
        {
            if (markers.Push(chunk.Text) is { Length: > 0 } text)
            {
                trace.FirstToken();
                yield return text;
            }

            if (chunk.Usage is { } usage)
            {
                finished(new GenerationSummary(chunk.FinishReason, usage.PromptTokens, usage.CompletionTokens));
            }
        }

        if (markers.Flush() is { Length: > 0 } rest)
        {
            trace.FirstToken();
            yield return rest;
        }

        trace.GenerateMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>The generator's chunks as they come, for an answer and for direct calls (rag.v1.Models).</summary>
    public async IAsyncEnumerable<GenerateChunk> GenerateAsync(GenerateRequest request, DateTime deadline,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Starting the call and reading its first chunk proves the generator accepted it: that much goes through the
        // circuit breaker, so an open circuit sends nothing at all.
        await using var stream = await services.Generator.CallOnceAsync(o => OpenAsync(request, o), deadline, cancellationToken);
        for (var chunk = stream.First; chunk is not null; chunk = await stream.NextAsync())
        {
            yield return chunk;
        }
    }

    private async Task<GenerationStream> OpenAsync(GenerateRequest request, CallOptions options)
    {
        var call = services.GeneratorClient.Generate(request, options);
        try
        {
            var stream = new GenerationStream(call, options.CancellationToken);
            return await stream.StartAsync();
        }
        catch
        {
            call.Dispose();
            throw;
        }
    }

    /// <summary>A generation under way: its first chunk already read, the rest to follow. Disposing it cancels the call.</summary>
    private sealed class GenerationStream(AsyncServerStreamingCall<GenerateChunk> call, CancellationToken cancellationToken) : IAsyncDisposable
    {
        public GenerateChunk? First { get; private set; }

        public async Task<GenerationStream> StartAsync()
        {
            First = await NextAsync();
            return this;
        }

        public async ValueTask<GenerateChunk?> NextAsync() =>
            await call.ResponseStream.MoveNext(cancellationToken) ? call.ResponseStream.Current : null;

        public ValueTask DisposeAsync()
        {
            call.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
