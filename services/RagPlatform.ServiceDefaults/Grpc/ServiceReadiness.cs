using System.Collections.Concurrent;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RagPlatform.ServiceDefaults.Grpc;

/// <summary>
/// Whether each gRPC service of this host is ready (e.g. "rag.v1.Embedder" once its model is loaded and warm). Read by
/// one ASP.NET Core health check per service, which grpc.health.v1 (Grpc.AspNetCore.HealthChecks) answers Check from;
/// a change is also pushed to the health service at once, so Watch streams see it without waiting for the health
/// check publisher's next round.
/// </summary>
public sealed class ServiceReadiness(HealthServiceImpl health)
{
    private readonly ConcurrentDictionary<string, bool> _ready = new(StringComparer.Ordinal);

    public bool IsReady(string service) => _ready.TryGetValue(service, out var ready) && ready;

    public void Set(string service, bool ready)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        _ready[service] = ready;
        health.SetStatus(service, ready ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing);
    }
}

public static class ServiceReadinessExtensions
{
    /// <summary>Tag of the check that answers for "" (the server as a whole): healthy while the process serves.</summary>
    internal const string ServerTag = "grpc-server";

    /// <summary>
    /// Reports <paramref name="service"/> through grpc.health.v1: NOT_SERVING until <see cref="ServiceReadiness.Set"/>
    /// says it is ready. Call once per service name.
    /// </summary>
    public static IServiceCollection AddServiceReadiness(this IServiceCollection services, string service)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            service,
            sp => new ReadinessCheck(sp.GetRequiredService<ServiceReadiness>(), service),
            HealthStatus.Unhealthy,
            [service]));
        services.Configure<global::Grpc.AspNetCore.HealthChecks.GrpcHealthChecksOptions>(o => o.Services.Map(service, check => check.Tags.Contains(service)));
        return services;
    }

    private sealed class ReadinessCheck(ServiceReadiness readiness, string service) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(readiness.IsReady(service) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"{service} is not ready yet."));
    }
}
