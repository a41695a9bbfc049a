using Google.Protobuf.Reflection;
using Grpc.Health.V1;
using RagPlatform.Grpc;

namespace RagPlatform.Contracts.Clients;

/// <summary>Typed client for grpc.health.v1.Health.</summary>
public sealed class HealthClient(GrpcChannel channel)
{
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> CheckMethod =
        Method.Create<HealthCheckRequest, HealthCheckResponse>(HealthReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Health"), "Check");

    private static readonly Method<HealthCheckRequest, HealthCheckResponse> WatchMethod =
        Method.Create<HealthCheckRequest, HealthCheckResponse>(HealthReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Health"), "Watch");

    /// <summary>Status of <paramref name="service"/> ("" = the whole server); NOT_FOUND when the server does not know it.</summary>
    public async Task<HealthCheckResponse.Types.ServingStatus> CheckAsync(string service = "", CallOptions options = default) =>
        (await channel.UnaryAsync(CheckMethod, new HealthCheckRequest { Service = service }, options)).Status;

    /// <summary>The current status, then every change, until the call is disposed or cancelled.</summary>
    public ServerStreamingCall<HealthCheckResponse> Watch(string service = "", CallOptions options = default) =>
        channel.ServerStreaming(WatchMethod, new HealthCheckRequest { Service = service }, options);
}
