using Grpc.Core;
using RagPlatform.Ingestion.Pipeline;
using RagPlatform.Orchestrator.Ingestion;
using RagPlatform.Retrieval;
using RagPlatform.ServiceDefaults.Grpc;
using RagPlatform.Storage;

namespace RagPlatform.Orchestrator.Services;

/// <summary>The orchestrator's failures as gRPC statuses: what a caller did wrong, and what is down.</summary>
internal sealed class OrchestratorStatusMapper : IExceptionStatusMapper
{
    public RpcException? Map(Exception exception) => exception switch
    {
        CollectionNotFoundException e => new RpcException(new Status(StatusCode.NotFound, e.Message)),
        CollectionAlreadyExistsException e => new RpcException(new Status(StatusCode.AlreadyExists, e.Message)),
        _ when DiskFull.Is(exception) => DocumentLibrary.DiskFullError(),
        ArgumentException e => new RpcException(new Status(StatusCode.InvalidArgument, e.Message)),
        QdrantException => new RpcException(new Status(StatusCode.Unavailable, "The vector index (Qdrant) is unreachable or failing; retry later.")),
        StoreUnavailableException e => new RpcException(new Status(StatusCode.Unavailable, e.Message)),
        _ => null,
    };
}
