using Google.Protobuf.Reflection;
using RagPlatform.Contracts.V1;
using RagPlatform.Grpc;

namespace RagPlatform.Contracts.Clients;

/// <summary>Typed client for rag.v1.Reranker.</summary>
public sealed class RerankerClient(GrpcChannel channel)
{
    private static readonly Method<RerankRequest, RerankResponse> RerankMethod =
        Method.Create<RerankRequest, RerankResponse>(RerankerReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Reranker"), "Rerank");

    private static readonly Method<InfoRequest, ModelInfo> InfoMethod =
        Method.Create<InfoRequest, ModelInfo>(RerankerReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Reranker"), "Info");

    public Task<RerankResponse> RerankAsync(RerankRequest request, CallOptions options = default) =>
        channel.UnaryAsync(RerankMethod, request, options);

    public Task<ModelInfo> InfoAsync(CallOptions options = default) =>
        channel.UnaryAsync(InfoMethod, new InfoRequest(), options);
}
