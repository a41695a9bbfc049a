using RagPlatform.Grpc;
using RagPlatform.Ingestion.Pipeline;
using RagPlatform.Orchestrator.Ingestion;
using RagPlatform.Retrieval;
using RagPlatform.Storage;

namespace RagPlatform.Orchestrator.Services;

/// <summary>The orchestrator's failures as gRPC statuses: what a caller did wrong, and what is down.</summary>
internal sealed class OrchestratorStatusMapper : IExceptionStatusMapper
{
    public RpcException? Map(Exception exception) => exception switch
    {
        CollectionNotFoundException e => new RpcException(StatusCode.NotFound, e.Message),
        CollectionAlreadyExistsException e => new RpcException(StatusCode.AlreadyExists, e.Message),
        _ when DiskFull.Is(exception) => DocumentLibrary.DiskFullError(),
        ArgumentException e => new RpcException(StatusCode.InvalidArgument, e.Message),
        QdrantException => new RpcException(StatusCode.Unavailable, "The vector index (Qdrant) is unreachable or failing; retry later."),
        StoreUnavailableException e => new RpcException(StatusCode.Unavailable, e.Message),
        _ => null,
    };
}
