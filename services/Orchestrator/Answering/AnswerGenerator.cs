using System.Diagnostics;
using System.Runtime.CompilerServices;
using RagPlatform.Contracts.V1;
using RagPlatform.Grpc;
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
        using var call = services.GeneratorClient.Generate(request, services.Generator.Options(plan.Deadline, cancellationToken));
        await using var chunks = call.ResponseStream.GetAsyncEnumerator(cancellationToken);

        // The first chunk proves the generator accepted the call: that much goes through the circuit breaker.
        var first = await services.Generator.CallOnceAsync(async _ => await chunks.MoveNextAsync() ? chunks.Current : null, plan.Deadline, cancellationToken);
        for (var chunk = first; chunk is not null; chunk = await chunks.MoveNextAsync() ? chunks.Current : null)
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
}
