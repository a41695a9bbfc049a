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

    private static readonly Method<InfoRequest, TokenizerFile> GetTokenizerMethod =
        Method.Create<InfoRequest, TokenizerFile>(EmbedderReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Embedder"), "GetTokenizer");

    public Task<EmbedResponse> EmbedAsync(EmbedRequest request, CallOptions options = default) =>
        channel.UnaryAsync(EmbedMethod, request, options);

    public Task<ModelInfo> InfoAsync(CallOptions options = default) =>
        channel.UnaryAsync(InfoMethod, new InfoRequest(), options);

    /// <summary>Streams the model's tokenizer files; consecutive pieces with the same name form one file.</summary>
    public ServerStreamingCall<TokenizerFile> GetTokenizer(CallOptions options = default) =>
        channel.ServerStreaming(GetTokenizerMethod, new InfoRequest(), options);
}
