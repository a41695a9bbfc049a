namespace RagPlatform.SemanticKernel;

/// <summary>Where the RagPlatform gateway is and how to reach it; checked by <see cref="Validate"/> when registered.</summary>
public sealed record RagPlatformOptions
{
    /// <summary>The gateway's base URL, e.g. http://127.0.0.1:8080 (its OpenAI-compatible API is under /openai/v1).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The API key, sent as <c>Authorization: Bearer</c>; it decides which collections are visible.</summary>
    public required string ApiKey { get; init; }

    /// <summary>
    /// The chat model the <c>IChatClient</c> talks to: null takes the generator the gateway reports (plain chat);
    /// <c>rag:&lt;collection&gt;</c> makes every chat turn a cited answer over that collection.
    /// </summary>
    public string? ChatModelId { get; init; }

    /// <summary>The embedding model; null takes the embedder the gateway reports.</summary>
    public string? EmbeddingModelId { get; init; }

    /// <summary>The name the plugin's functions are imported under (<c>rag-search</c>, <c>rag-ask</c>).</summary>
    public string PluginName { get; init; } = "rag";

    /// <summary>Longest time one call to the gateway may take; an answer is one call.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The base address OpenAI clients are given.</summary>
    public Uri OpenAiEndpoint => new(Endpoint.AbsoluteUri.TrimEnd('/') + "/openai/v1");

    public IEnumerable<string> Validate()
    {
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            yield return $"Endpoint must be the gateway's absolute http(s) URL (was '{Endpoint}').";
        }

        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            yield return "ApiKey is required: the gateway refuses calls without one.";
        }

        if (ChatModelId is { Length: 0 } || EmbeddingModelId is { Length: 0 })
        {
            yield return "ChatModelId and EmbeddingModelId must be null (discovered) or a model id, not empty.";
        }

        if (string.IsNullOrWhiteSpace(PluginName))
        {
            yield return "PluginName is required.";
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return $"Timeout must be positive (was {Timeout}).";
        }
    }
}
