using Google.Protobuf.Reflection;
using RagPlatform.Contracts.V1;
using RagPlatform.Grpc;

namespace RagPlatform.Contracts.Clients;

/// <summary>Typed client for rag.v1.Embedder.</summary>
public sealed class EmbedderClient(GrpcChannel channel)
{
    private static readonly Method<EmbedRequest, EmbedResponse> EmbedMethod =
        Method.Create<EmbedRequest, EmbedResponse>(EmbedderReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Embedder"), "Embed");

    private static readonly Method<InfoRequest, ModelInfo> InfoMethod =
        Method.Create<InfoRequest, ModelInfo>(EmbedderReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Embedder"), "Info");

    public Task<EmbedResponse> EmbedAsync(EmbedRequest request, CallOptions options = default) =>
        channel.UnaryAsync(EmbedMethod, request, options);

    public Task<ModelInfo> InfoAsync(CallOptions options = default) =>
        channel.UnaryAsync(InfoMethod, new InfoRequest(), options);
}
