using Google.Protobuf.Reflection;
using RagPlatform.Contracts.V1;
using RagPlatform.Grpc;

namespace RagPlatform.Contracts.Clients;

/// <summary>Typed client for rag.v1.Answers.</summary>
public sealed class AnswersClient(GrpcChannel channel)
{
    private static readonly ServiceDescriptor Service = AnswersReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Answers");
    private static readonly Method<AskRequest, AskEvent> AskMethod = Method.Create<AskRequest, AskEvent>(Service, "Ask");
    private static readonly Method<DescribeModelsRequest, ModelsDescription> DescribeModelsMethod =
        Method.Create<DescribeModelsRequest, ModelsDescription>(Service, "DescribeModels");

    /// <summary>Starts answering; read <c>ResponseStream</c> for the events and dispose the call to stop early.</summary>
    public ServerStreamingCall<AskEvent> Ask(AskRequest request, CallOptions options = default) =>
        channel.ServerStreaming(AskMethod, request, options);

    public Task<ModelsDescription> DescribeModelsAsync(CallOptions options = default) =>
        channel.UnaryAsync(DescribeModelsMethod, new DescribeModelsRequest(), options);
}
