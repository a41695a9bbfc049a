using Google.Protobuf.Reflection;
using RagPlatform.Contracts.V1;
using RagPlatform.Grpc;

namespace RagPlatform.Contracts.Clients;

/// <summary>Typed client for rag.v1.Generator.</summary>
public sealed class GeneratorClient(GrpcChannel channel)
{
    private static readonly Method<GenerateRequest, GenerateChunk> GenerateMethod =
        Method.Create<GenerateRequest, GenerateChunk>(GeneratorReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Generator"), "Generate");

    private static readonly Method<InfoRequest, ModelInfo> InfoMethod =
        Method.Create<InfoRequest, ModelInfo>(GeneratorReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Generator"), "Info");

    private static readonly Method<CountTokensRequest, CountTokensResponse> CountTokensMethod =
        Method.Create<CountTokensRequest, CountTokensResponse>(GeneratorReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Generator"), "CountTokens");

    /// <summary>Starts generation; read <c>ResponseStream</c> for the chunks and dispose the call to stop early.</summary>
    public ServerStreamingCall<GenerateChunk> Generate(GenerateRequest request, CallOptions options = default) =>
        channel.ServerStreaming(GenerateMethod, request, options);

    public Task<ModelInfo> InfoAsync(CallOptions options = default) =>
        channel.UnaryAsync(InfoMethod, new InfoRequest(), options);

    public Task<CountTokensResponse> CountTokensAsync(CountTokensRequest request, CallOptions options = default) =>
        channel.UnaryAsync(CountTokensMethod, request, options);
}
