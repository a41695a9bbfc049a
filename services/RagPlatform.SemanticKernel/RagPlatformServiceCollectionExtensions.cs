using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.VectorData;
using Microsoft.SemanticKernel;
using OpenAI;
using RagPlatform.Client;

namespace RagPlatform.SemanticKernel;

/// <summary>
/// <c>AddRagPlatform</c>: one call that points Semantic Kernel / Microsoft.Extensions.AI code at a RagPlatform gateway.
/// Registers <see cref="RagPlatformClient"/>, <see cref="IChatClient"/> and
/// <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> (Microsoft.Extensions.AI.OpenAI over the gateway's /openai/v1),
/// a read-only <see cref="VectorStore"/> over the key's collections, and <see cref="RagPlatformPlugin"/>.
/// </summary>
public static class RagPlatformServiceCollectionExtensions
{
    /// <summary>The name of the HttpClient RagPlatformClient uses (configure it further with AddHttpClient(name)).</summary>
    public const string HttpClientName = "RagPlatform";

    public static IServiceCollection AddRagPlatform(this IServiceCollection services, Uri endpoint, string apiKey, Func<RagPlatformOptions, RagPlatformOptions>? configure = null)
    {
        var options = new RagPlatformOptions { Endpoint = endpoint, ApiKey = apiKey };
        return services.AddRagPlatform(configure is null ? options : configure(options));
    }

    public static IServiceCollection AddRagPlatform(this IServiceCollection services, RagPlatformOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        // Refused here, where the caller can see which setting is wrong, not on the first call.
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"RagPlatformOptions are not valid: {string.Join(" ", problems)}", nameof(options));
        }

        services.TryAddSingleton(options);
        services.AddHttpClient(HttpClientName, http =>
        {
            http.BaseAddress = options.Endpoint;
            http.Timeout = options.Timeout;
        });
        services.TryAddSingleton(sp => new RagPlatformClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), new RagPlatformClientOptions { ApiKey = options.ApiKey }));
        services.TryAddSingleton<PlatformModels>();

        // The official OpenAI client, aimed at the gateway: the one protocol chat and embeddings travel over.
        services.TryAddSingleton(_ => new OpenAIClient(new ApiKeyCredential(options.ApiKey),
            new OpenAIClientOptions { Endpoint = options.OpenAiEndpoint, NetworkTimeout = options.Timeout }));
        services.TryAddSingleton<IChatClient>(sp => new DiscoveredChatClient(async () =>
            sp.GetRequiredService<OpenAIClient>().GetChatClient(await sp.GetRequiredService<PlatformModels>().ChatModelIdAsync(CancellationToken.None)).AsIChatClient()));
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new DiscoveredEmbeddingGenerator(async () =>
            sp.GetRequiredService<OpenAIClient>().GetEmbeddingClient(await sp.GetRequiredService<PlatformModels>().EmbeddingModelIdAsync(CancellationToken.None)).AsIEmbeddingGenerator()));

        services.TryAddSingleton<RagPlatformVectorStore>();
        services.TryAddSingleton<VectorStore>(sp => sp.GetRequiredService<RagPlatformVectorStore>());
        services.TryAddSingleton<RagPlatformPlugin>();
        // A Kernel resolved from this container imports every KernelPlugin registered in it.
        services.AddSingleton(sp => KernelPluginFactory.CreateFromObject(sp.GetRequiredService<RagPlatformPlugin>(), options.PluginName));
        return services;
    }

    public static IKernelBuilder AddRagPlatform(this IKernelBuilder builder, Uri endpoint, string apiKey, Func<RagPlatformOptions, RagPlatformOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRagPlatform(endpoint, apiKey, configure);
        return builder;
    }

    public static IKernelBuilder AddRagPlatform(this IKernelBuilder builder, RagPlatformOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRagPlatform(options);
        return builder;
    }
}
