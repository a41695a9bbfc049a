using Grpc.Core;

namespace RagPlatform.Retrieval;

/// <summary>
/// Qdrant refused a call or could not be reached; <see cref="Exception.Message"/> carries Qdrant's own message and
/// <see cref="StatusCode"/> its gRPC status (Unavailable when the server is down or unreachable).
/// </summary>
public sealed class QdrantException(StatusCode statusCode, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public StatusCode StatusCode { get; } = statusCode;
}
