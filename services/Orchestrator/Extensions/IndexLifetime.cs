using RagPlatform.Ingestion.Status;
using RagPlatform.Retrieval;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.Orchestrator.Extensions;

/// <summary>
/// Opens the index and the document queue before the server takes calls (a bad data directory stops the process at
/// once), then reports the orchestrator's services SERVING. The model services are not waited for: without them
/// uploads still queue and answers degrade or fail per call.
/// </summary>
internal sealed class IndexLifetime(IServiceProvider services, ServiceReadiness readiness) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var name in OrchestratorExtensions.HealthServices)
        {
            readiness.Set(name, ready: false);
        }

        _ = services.GetRequiredService<IPointIndex>();
        _ = services.GetRequiredService<IDocumentStore>();
        foreach (var name in OrchestratorExtensions.HealthServices)
        {
            readiness.Set(name, ready: true);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var name in OrchestratorExtensions.HealthServices)
        {
            readiness.Set(name, ready: false);
        }

        return Task.CompletedTask;
    }
}
