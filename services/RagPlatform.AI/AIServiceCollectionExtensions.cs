using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagPlatform.Contracts.V1;

namespace RagPlatform.AI;

public static class AIServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IChatClient"/> as a <see cref="PlatformChatClient"/> over a Generator at <paramref name="address"/>,
    /// its typed client from the gRPC client factory (<paramref name="configureClient"/> adds credentials, handlers...).
    /// </summary>
    public static IServiceCollection AddPlatformChatClient(this IServiceCollection services, Uri address, Action<IHttpClientBuilder>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(address);
        var client = services.AddGrpcClient<Generator.GeneratorClient>(o => o.Address = address);
        configureClient?.Invoke(client);
        services.AddSingleton<IChatClient>(sp => new PlatformChatClient(sp.GetRequiredService<Generator.GeneratorClient>(), address));
        return services;
    }

    /// <summary>
    /// Registers <see cref="IEmbeddingGenerator{String, Embedding}"/> as a <see cref="PlatformEmbeddingGenerator"/>
    /// over an Embedder at <paramref name="address"/>, embedding every text in <paramref name="role"/>.
    /// </summary>
    public static IServiceCollection AddPlatformEmbeddingGenerator(this IServiceCollection services, Uri address,
        EmbedRole role = EmbedRole.Passage, Action<IHttpClientBuilder>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(address);
        var client = services.AddGrpcClient<Embedder.EmbedderClient>(o => o.Address = address);
        configureClient?.Invoke(client);
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new PlatformEmbeddingGenerator(
            sp.GetRequiredService<Embedder.EmbedderClient>(), role, address));
        return services;
    }
}
