using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace RagPlatform.SemanticKernel;

/// <summary>
/// Microsoft.Extensions.AI.OpenAI's own chat client, built once the model id is known (see <see cref="PlatformModels"/>).
/// Everything else is the OpenAI adapter's: this only defers its construction.
/// </summary>
internal sealed class DiscoveredChatClient(Func<Task<IChatClient>> create) : IChatClient
{
    private readonly Deferred<IChatClient> _inner = new(create);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await (await _inner.GetAsync(cancellationToken)).GetResponseAsync(messages, options, cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var inner = await _inner.GetAsync(cancellationToken);
        await foreach (var update in inner.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType.IsInstanceOfType(this) ? this : _inner.TryGetValue(out var inner) ? inner.GetService(serviceType, serviceKey) : null;

    public void Dispose()
    {
        if (_inner.TryGetValue(out var inner))
        {
            inner.Dispose();
        }
    }
}

/// <summary>Microsoft.Extensions.AI.OpenAI's own embedding generator, built once the model id is known.</summary>
internal sealed class DiscoveredEmbeddingGenerator(Func<Task<IEmbeddingGenerator<string, Embedding<float>>>> create)
    : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Deferred<IEmbeddingGenerator<string, Embedding<float>>> _inner = new(create);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default) =>
        await (await _inner.GetAsync(cancellationToken)).GenerateAsync(values, options, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType.IsInstanceOfType(this) ? this : _inner.TryGetValue(out var inner) ? inner.GetService(serviceType, serviceKey) : null;

    public void Dispose()
    {
        if (_inner.TryGetValue(out var inner))
        {
            inner.Dispose();
        }
    }
}
