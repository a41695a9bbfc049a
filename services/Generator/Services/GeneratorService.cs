using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RagPlatform.Contracts.V1;
using RagPlatform.Generator.Generation;
using RagPlatform.Inference.Generation;
using RagPlatform.ModelHosting;
using WireFinishReason = RagPlatform.Contracts.V1.FinishReason;

namespace RagPlatform.Generator.Services;

/// <summary>
/// rag.v1.Generator: validate, take a sequence slot (or wait in the bounded queue, or be refused), then stream the
/// model's chunks as they come. The call's token (caller cancel, deadline, dropped connection) ends the forward pass
/// in flight, frees the KV cache and hands the slot on before the handler returns.
/// </summary>
internal sealed class GeneratorService(
    ModelHost<GeneratorModel> model,
    GenerateRequestReader reader,
    SequenceAdmission admission,
    GeneratorMetrics metrics,
    ILogger<GeneratorService> logger) : Contracts.V1.Generator.GeneratorBase
{
    /// <summary>Chunks decoded ahead of the network write: enough to hide a write, little enough to stop at once.</summary>
    private const int ReadAheadChunks = 16;

    public override async Task Generate(GenerateRequest request, IServerStreamWriter<GenerateChunk> stream, ServerCallContext context)
    {
        var arrived = Stopwatch.GetTimestamp();
        var generator = model.Model.Generator;
        var plan = Validate(request, generator);
        var cancellationToken = context.CancellationToken;
        using var slot = await EnterAsync(cancellationToken) ?? throw Refuse();
        TimeSpan? timeToFirstToken = null;
        var completionTokens = 0;
        try
        {
            var chunks = generator.StreamAsync(GenerationPrompt.FromTokenIds(plan.PromptTokens), plan.Options, cancellationToken);
            await foreach (var chunk in ReadAhead.Buffered(chunks, ReadAheadChunks, cancellationToken))
            {
                if (timeToFirstToken is null)
                {
                    timeToFirstToken = Stopwatch.GetElapsedTime(arrived);
                    metrics.FirstToken(timeToFirstToken.Value);
                }

                completionTokens = chunk.Usage?.CompletionTokens ?? completionTokens + chunk.TokenIds.Count;
                if (chunk.FinishReason == Inference.Generation.FinishReason.Cancelled)
                {
                    throw new OperationCanceledException(cancellationToken);
                }

                await stream.WriteAsync(ToWire(chunk), cancellationToken);
                if (chunk.IsFinal)
                {
                    Finished(chunk, timeToFirstToken.Value, arrived);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException && cancellationToken.IsCancellationRequested)
        {
            metrics.RequestEnded("cancelled");
            metrics.TokensGenerated(completionTokens);
            GeneratorLog.GenerationCancelled(logger, completionTokens);
            throw new OperationCanceledException(cancellationToken);
        }
    }

    public override Task<ModelInfo> Info(InfoRequest request, ServerCallContext context)
    {
        var loaded = model.Model;
        var generator = loaded.Generator;
        return Task.FromResult(new ModelInfo
        {
            ModelId = generator.Model.ModelId,
            Revision = "",
            Forged = generator.Model.Forged,
            Architecture = loaded.ModelType,
            MaxTokens = generator.ContextWindow,
            Dimensions = 0,
            VocabularySize = loaded.TokenizerVocabularySize,
            Device = "cpu",
        });
    }

    public override Task GetTokenizer(InfoRequest request, IServerStreamWriter<TokenizerFile> stream, ServerCallContext context) =>
        model.WriteTokenizerAsync(stream, context.CancellationToken);

    private GenerationPlan Validate(GenerateRequest request, TextGenerator generator)
    {
        try
        {
            return reader.Read(request, generator);
        }
        catch (RpcException)
        {
            // grpc-dotnet logs the status and its message; only the metric is ours.
            metrics.RequestEnded("invalid");
            throw;
        }
    }

    private async ValueTask<SequenceAdmission.Slot?> EnterAsync(CancellationToken cancellationToken)
    {
        try
        {
            var entering = admission.TryEnterAsync(cancellationToken);
            if (!entering.IsCompleted)
            {
                GeneratorLog.Queued(logger, admission.QueueDepth);
            }

            return await entering;
        }
        catch (OperationCanceledException)
        {
            metrics.RequestEnded("cancelled");
            GeneratorLog.LeftQueue(logger);
            throw;
        }
    }

    private RpcException Refuse()
    {
        metrics.RequestEnded("rejected");
        var (active, queued) = (admission.ActiveSequences, admission.QueueDepth);
        GeneratorLog.QueueFull(logger, active, queued);
        return new RpcException(new Status(StatusCode.ResourceExhausted,
            $"The generator is at capacity ({active} sequences running, {queued} calls queued); retry later."));
    }

    private void Finished(GenerationChunk chunk, TimeSpan timeToFirstToken, long arrived)
    {
        var reason = chunk.FinishReason == Inference.Generation.FinishReason.Stop ? "stop" : "length";
        metrics.RequestEnded(reason);
        metrics.TokensGenerated(chunk.Usage!.CompletionTokens);
        GeneratorLog.GenerationFinished(logger, reason, chunk.Usage.PromptTokens, chunk.Usage.CompletionTokens,
            timeToFirstToken.TotalMilliseconds, Stopwatch.GetElapsedTime(arrived).TotalMilliseconds);
    }

    private static GenerateChunk ToWire(GenerationChunk chunk)
    {
        var wire = new GenerateChunk { Text = chunk.Text };
        wire.TokenIds.AddRange(chunk.TokenIds);
        if (chunk.IsFinal)
        {
            wire.FinishReason = chunk.FinishReason == Inference.Generation.FinishReason.Stop ? WireFinishReason.Stop : WireFinishReason.Length;
            wire.Usage = new Usage { PromptTokens = chunk.Usage!.PromptTokens, CompletionTokens = chunk.Usage.CompletionTokens };
        }

        return wire;
    }
}
