using RagPlatform.Client;

namespace RagPlatform.SemanticKernel;

/// <summary>
/// The model ids the OpenAI clients are built for: the configured ones, else those the gateway reports (GET /v1/models)
/// asked once, on first use, so registering never calls the network.
/// </summary>
public sealed class PlatformModels(RagPlatformClient client, RagPlatformOptions options)
{
    private readonly Deferred<ModelsResource> _described = new(() => client.GetModelsAsync());

    public Task<string> ChatModelIdAsync(CancellationToken cancellationToken) =>
        options.ChatModelId is { } id ? Task.FromResult(id) : DiscoverAsync("generator", cancellationToken);

    public Task<string> EmbeddingModelIdAsync(CancellationToken cancellationToken) =>
        options.EmbeddingModelId is { } id ? Task.FromResult(id) : DiscoverAsync("embedder", cancellationToken);

    private async Task<string> DiscoverAsync(string role, CancellationToken cancellationToken)
    {
        var described = await _described.GetAsync(cancellationToken);
        var service = described.Services.FirstOrDefault(s => s.Role == role);
        return service?.ModelId ?? throw new InvalidOperationException(
            $"The gateway reports no {role} model ({service?.Error ?? "not listed"}); set RagPlatformOptions.{(role == "generator" ? nameof(RagPlatformOptions.ChatModelId) : nameof(RagPlatformOptions.EmbeddingModelId))}.");
    }
}
