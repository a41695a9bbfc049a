using Grpc.Core;

namespace RagPlatform.Contracts;

/// <summary>
/// Machine-readable causes the orchestrator attaches to a status as the "rag-reason" trailer, where one gRPC code
/// covers several situations a client handles differently (RESOURCE_EXHAUSTED: a full disk vs an oversized file).
/// </summary>
public static class ErrorReasons
{
    public const string TrailerKey = "rag-reason";
    public const string DiskFull = "disk-full";
    public const string TooLarge = "too-large";

    public static RpcException Exception(StatusCode code, string reason, string detail) =>
        new(new Status(code, detail), new Metadata { { TrailerKey, reason } });

    /// <returns>The reason a failed call carries, or null.</returns>
    public static string? Of(RpcException exception) => exception.Trailers.GetValue(TrailerKey);
}
