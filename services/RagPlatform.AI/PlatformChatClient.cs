using System.Runtime.CompilerServices;
using Grpc.Core;
using Microsoft.Extensions.AI;
using RagPlatform.Contracts.V1;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIChatRole = Microsoft.Extensions.AI.ChatRole;
using WireChatMessage = RagPlatform.Contracts.V1.ChatMessage;
using WireChatRole = RagPlatform.Contracts.V1.ChatRole;
using WireFinishReason = RagPlatform.Contracts.V1.FinishReason;

namespace RagPlatform.AI;

/// <summary>
/// <see cref="IChatClient"/> over rag.v1.Generator: the conversation goes out as a Chat (the server applies the
/// model's template), ChatOptions become SamplingParameters, the final chunk's usage and finish reason come back as
/// <see cref="UsageDetails"/> and <see cref="ChatFinishReason"/>. Cancelling the token cancels the call, which stops
/// generation on the server. Server errors surface as <see cref="RpcException"/>.
/// </summary>
public sealed class PlatformChatClient : IChatClient
{
    private readonly Generator.GeneratorClient _generator;
    private readonly ChatClientMetadata _metadata;

    public PlatformChatClient(Generator.GeneratorClient generator, Uri? serviceAddress = null, string? modelId = null)
    {
        _generator = generator ?? throw new ArgumentNullException(nameof(generator));
        _metadata = new ChatClientMetadata("ragplatform", serviceAddress, modelId);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = ChatRequestMapping.ToRequest(messages, options);
        var responseId = Guid.NewGuid().ToString("N");
        using var call = _generator.Generate(request, cancellationToken: cancellationToken);
        await foreach (var chunk in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            // A chunk already buffered when the caller cancelled is not theirs any more.
            cancellationToken.ThrowIfCancellationRequested();
            var update = new ChatResponseUpdate(AIChatRole.Assistant, chunk.Text)
            {
                ResponseId = responseId,
                MessageId = responseId,
                ModelId = _metadata.DefaultModelId,
                RawRepresentation = chunk,
            };
            if (chunk.FinishReason != WireFinishReason.Unspecified)
            {
                update.FinishReason = ChatRequestMapping.ToFinishReason(chunk.FinishReason);
            }

            if (chunk.Usage is { } usage)
            {
                update.Contents.Add(new UsageContent(new UsageDetails
                {
                    InputTokenCount = usage.PromptTokens,
                    OutputTokenCount = usage.CompletionTokens,
                    TotalTokenCount = usage.PromptTokens + usage.CompletionTokens,
                }));
            }

            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType == typeof(Generator.GeneratorClient) ? _generator
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Nothing to release: the channel belongs to whoever created it (DI, when registered there).</summary>
    public void Dispose()
    {
    }
}

/// <summary>MEAI's chat vocabulary to and from generator.proto.</summary>
internal static class ChatRequestMapping
{
    public static GenerateRequest ToRequest(IEnumerable<AIChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var chat = new Chat();
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            chat.Messages.Add(new WireChatMessage { Role = WireChatRole.System, Content = options.Instructions });
        }

        foreach (var message in messages)
        {
            chat.Messages.Add(new WireChatMessage { Role = ToWire(message.Role), Content = message.Text });
        }

        var request = new GenerateRequest { Chat = chat, Sampling = new SamplingParameters() };
        if (options is null)
        {
            return request;
        }

        request.MaxNewTokens = options.MaxOutputTokens ?? 0;
        request.Sampling.Temperature = options.Temperature ?? 0f;
        request.Sampling.TopK = options.TopK ?? 0;
        if (options.TopP is { } topP)
        {
            request.Sampling.TopP = topP;
        }

        if (options.Seed is { } seed)
        {
            // MEAI seeds are signed; the wire seed is any 64-bit pattern, so reinterpret rather than reject negatives.
            request.Sampling.Seed = unchecked((ulong)seed);
        }

        if (options.StopSequences is { } stops)
        {
            request.Stop.AddRange(stops);
        }

        return request;
    }

    public static ChatFinishReason? ToFinishReason(WireFinishReason reason) => reason switch
    {
        WireFinishReason.Stop => ChatFinishReason.Stop,
        WireFinishReason.Length => ChatFinishReason.Length,
        _ => null,
    };

    private static WireChatRole ToWire(AIChatRole role) =>
        role == AIChatRole.System ? WireChatRole.System
        : role == AIChatRole.User ? WireChatRole.User
        : role == AIChatRole.Assistant ? WireChatRole.Assistant
        : throw new NotSupportedException($"rag.v1.Generator takes system, user and assistant messages; '{role}' has no equivalent.");
}
