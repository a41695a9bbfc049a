using System.Runtime.CompilerServices;
using Grpc.Core;
using RagPlatform.Gateway.Apis;
using Rpc = RagPlatform.Contracts.V1;

namespace RagPlatform.Gateway.OpenAi;

/// <summary>
/// A chat completion as it is made, whatever makes it: one <see cref="ChatStart"/> once the model accepted the request
/// (before it, a failure is an error response; after it, an error event), <see cref="ChatText"/>s, then one <see cref="ChatEnd"/>.
/// </summary>
internal abstract record ChatPiece;

/// <param name="Forged">A model with forged weights writes (plain chat) or may shape (rag:) this completion.</param>
internal sealed record ChatStart(bool Forged) : ChatPiece;

internal sealed record ChatText(string Text) : ChatPiece;

/// <param name="Forged">A model with forged weights wrote or shaped the completion (for rag:, the answer's own account).</param>
internal sealed record ChatEnd(string FinishReason, CompletionUsage Usage, bool Forged, IReadOnlyList<Client.CitationResource>? Citations, RagDetails? Rag) : ChatPiece;

/// <summary>The generator's chunks (rag.v1.Models.Generate) as pieces; the first chunk names the model, forged or not.</summary>
internal static class GeneratedPieces
{
    public static async IAsyncEnumerable<ChatPiece> ReadAsync(AsyncServerStreamingCall<Rpc.ModelGenerateChunk> call, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (call)
        {
            var forged = false;
            await foreach (var next in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (next.Model is { } model)
                {
                    forged = model.Forged;
                    yield return new ChatStart(forged);
                }

                if (next.Chunk.Text.Length > 0)
                {
                    yield return new ChatText(next.Chunk.Text);
                }

                if (next.Chunk.Usage is { } usage)
                {
                    yield return new ChatEnd(FinishReason(next.Chunk.FinishReason), new CompletionUsage(usage.PromptTokens, usage.CompletionTokens,
                        usage.PromptTokens + usage.CompletionTokens), forged, null, null);
                }
            }
        }
    }

    public static string FinishReason(Rpc.FinishReason reason) => reason == Rpc.FinishReason.Length ? "length" : "stop";
}

/// <summary>The orchestrator's answer events (rag.v1.Answers.Ask) as pieces; the citations ride on the end.</summary>
internal static class RagPieces
{
    public static async IAsyncEnumerable<ChatPiece> ReadAsync(AsyncServerStreamingCall<Rpc.AskEvent> call, string model, bool anyForged, string requestId,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (call)
        {
            await using var events = call.ResponseStream.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            bool more;
            try
            {
                more = await events.MoveNextAsync();
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                throw OpenAiException.ModelNotFound(model);
            }

            yield return new ChatStart(anyForged);
            IReadOnlyList<Client.CitationResource>? citations = null;
            for (; more; more = await events.MoveNextAsync())
            {
                var next = events.Current;
                switch (next.EventCase)
                {
                    case Rpc.AskEvent.EventOneofCase.Delta:
                        yield return new ChatText(next.Delta.Text);
                        break;
                    case Rpc.AskEvent.EventOneofCase.Citations:
                        citations = [.. next.Citations.Citations.Select(c => c.ToResource())];
                        break;
                    case Rpc.AskEvent.EventOneofCase.Done:
                        yield return End(next.Done, citations ?? [], requestId);
                        break;
                }
            }
        }
    }

    private static ChatEnd End(Rpc.AnswerDone done, IReadOnlyList<Client.CitationResource> citations, string requestId)
    {
        var rag = new RagDetails(done.AnswerKind == Rpc.AnswerKind.Extractive ? Client.AnswerKinds.Extractive : Client.AnswerKinds.Generative,
            done.NoAnswer, done.ForgedModels, [.. done.Degraded], [.. done.Skipped.Select(s => new Client.SkippedStage(s.Stage, s.Reason))], requestId);
        var usage = new CompletionUsage(done.Usage.PromptTokens, done.Usage.CompletionTokens, done.Usage.PromptTokens + done.Usage.CompletionTokens);
        return new ChatEnd(GeneratedPieces.FinishReason(done.FinishReason), usage, done.ForgedModels, citations, rag);
    }
}
