using Grpc.Health.V1;

namespace RagPlatform.Grpc;

/// <summary>grpc.health.v1.Health over <see cref="HealthStatusRegistry"/>. Map it with MapGrpcHealth().</summary>
internal sealed class HealthService(HealthStatusRegistry registry)
{
    public Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        if (!registry.TryGetStatus(request.Service, out var status))
        {
            throw new RpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");
        }

        return Task.FromResult(new HealthCheckResponse { Status = (HealthCheckResponse.Types.ServingStatus)status });
    }

    public async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        using var watch = registry.Watch(request.Service);
        await foreach (var status in watch.Updates.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(new HealthCheckResponse { Status = (HealthCheckResponse.Types.ServingStatus)status }, context.CancellationToken);
        }
    }
}
