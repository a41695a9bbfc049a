using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagPlatform.Contracts.Clients;
using RagPlatform.Contracts.V1;
using RagPlatform.Grpc;

namespace RagPlatform.AI;

public static class AIServiceCollectionExtensions
{
    /// <summary>Service key of the channels these helpers register (DI disposes them with the container).</summary>
    public const string GeneratorChannelKey = "rag.v1.Generator";

    public const string EmbedderChannelKey = "rag.v1.Embedder";

    /// <summary>Registers <see cref="IChatClient"/> as a <see cref="PlatformChatClient"/> over a Generator at <paramref name="address"/>.</summary>
    public static IServiceCollection AddPlatformChatClient(this IServiceCollection services, Uri address, GrpcChannelOptions? channelOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(address);
        services.AddKeyedSingleton(GeneratorChannelKey, (_, _) => GrpcChannel.ForAddress(address, channelOptions));
        services.AddSingleton<IChatClient>(sp => new PlatformChatClient(
            new GeneratorClient(sp.GetRequiredKeyedService<GrpcChannel>(GeneratorChannelKey)), address));
        return services;
    }

    /// <summary>
    /// Registers <see cref="IEmbeddingGenerator{String, Embedding}"/> as a <see cref="PlatformEmbeddingGenerator"/>
    /// over an Embedder at <paramref name="address"/>, embedding every text in <paramref name="role"/>.
    /// </summary>
    public static IServiceCollection AddPlatformEmbeddingGenerator(this IServiceCollection services, Uri address,
        EmbedRole role = EmbedRole.Passage, GrpcChannelOptions? channelOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(address);
        services.AddKeyedSingleton(EmbedderChannelKey, (_, _) => GrpcChannel.ForAddress(address, channelOptions));
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new PlatformEmbeddingGenerator(
            new EmbedderClient(sp.GetRequiredKeyedService<GrpcChannel>(EmbedderChannelKey)), role, address));
        return services;
    }
}
