using Grpc.Core;

namespace RagPlatform.ServiceDefaults.Grpc;

/// <summary>
/// Maps a service's own exceptions to gRPC statuses at the one error choke point (<see cref="ExceptionStatusInterceptor"/>),
/// so handlers need no try/catch per method. Register implementations in DI; the first non-null answer wins.
/// Exceptions no mapper claims become UNKNOWN with a generic message.
/// </summary>
public interface IExceptionStatusMapper
{
    /// <returns>The status (and trailers) to end the call with, its detail sent to the caller; or null to pass.</returns>
    RpcException? Map(Exception exception);
}
