using System.Text;
using Grpc.Core;

namespace RagPlatform.Gateway.OpenAi;

/// <summary>
/// Writes a chat completion as OpenAI does: one <c>chat.completion</c> object, or with <c>stream: true</c> the
/// <c>chat.completion.chunk</c> events (the first with the assistant role, one per piece of text, one with the finish
/// reason, one with the usage when stream_options.include_usage) and <c>data: [DONE]</c>. A failure before the model
/// accepted the request is an error response; after it, an error event, and the stream ends without [DONE].
/// <c>system_fingerprint</c> is "forged-weights" when a model with forged weights wrote or shaped the text.
/// </summary>
internal static class ChatWriter
{
    public const string Fingerprint = "ragplatform";
    public const string ForgedFingerprint = "forged-weights";

    public static async Task WriteAsync(HttpContext context, string model, bool stream, bool includeUsage, IAsyncEnumerable<ChatPiece> pieces)
    {
        var cancellationToken = context.RequestAborted;
        await using var next = pieces.GetAsyncEnumerator(cancellationToken);
        if (!await next.MoveNextAsync() || next.Current is not ChatStart start)
        {
            throw new RpcException(new Status(StatusCode.Internal, "The completion ended before the model accepted it."));
        }

        var id = $"chatcmpl-{Guid.NewGuid():N}";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (!stream)
        {
            var text = new StringBuilder();
            ChatEnd? end = null;
            while (await next.MoveNextAsync())
            {
                if (next.Current is ChatText piece)
                {
                    text.Append(piece.Text);
                }
                else if (next.Current is ChatEnd last)
                {
                    end = last;
                }
            }

            if (end is null)
            {
                throw new RpcException(new Status(StatusCode.Internal, "The completion ended without its finish reason."));
            }

            var completion = new ChatCompletion(id, created, model, end.Forged ? ForgedFingerprint : Fingerprint,
                [new ChatChoice(0, new AssistantMessage(text.ToString(), end.Citations), end.FinishReason)], end.Usage, end.Rag);
            await context.Response.WriteAsJsonAsync(completion, OpenAiJsonContext.Default.ChatCompletion, contentType: null, cancellationToken);
            return;
        }

        OpenAiStream.Begin(context);
        var body = context.Response.Body;
        var fingerprint = start.Forged ? ForgedFingerprint : Fingerprint;
        Task WriteChunk(ChunkDelta delta, string? finishReason, RagDetails? rag = null) => OpenAiStream.WriteAsync(body,
            new ChatCompletionChunk(id, created, model, fingerprint, [new ChunkChoice(0, delta, finishReason)], null, rag),
            OpenAiJsonContext.Default.ChatCompletionChunk, cancellationToken);

        await WriteChunk(new ChunkDelta("assistant", "", null), null);
        while (true)
        {
            try
            {
                if (!await next.MoveNextAsync())
                {
                    break;
                }
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                await OpenAiErrors.WriteEventAsync(context, ex);
                return;
            }

            if (next.Current is ChatText piece)
            {
                await WriteChunk(new ChunkDelta(null, piece.Text, null), null);
            }
            else if (next.Current is ChatEnd end)
            {
                await WriteChunk(new ChunkDelta(null, null, end.Citations), end.FinishReason, end.Rag);
                if (includeUsage)
                {
                    await OpenAiStream.WriteAsync(body, new ChatCompletionChunk(id, created, model, fingerprint, [], end.Usage, null),
                        OpenAiJsonContext.Default.ChatCompletionChunk, cancellationToken);
                }
            }
        }

        await OpenAiStream.DoneAsync(body, cancellationToken);
    }
}
