using Microsoft.Extensions.Logging;

namespace RagPlatform.Grpc;

internal static partial class GrpcServerLog
{
    [LoggerMessage(1, LogLevel.Error, "Error when executing service method {Method}.")]
    public static partial void ErrorExecutingServiceMethod(ILogger logger, string method, Exception exception);

    [LoggerMessage(2, LogLevel.Information, "Call {Method} ended with status {StatusCode}: {Detail}")]
    public static partial void RpcStatus(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(3, LogLevel.Information, "Call {Method} was cancelled by the client.")]
    public static partial void CallCancelledByClient(ILogger logger, string method);

    [LoggerMessage(4, LogLevel.Information, "Call {Method} exceeded its deadline of {Timeout}.")]
    public static partial void DeadlineExceeded(ILogger logger, string method, TimeSpan timeout);

    [LoggerMessage(5, LogLevel.Debug, "Ignoring invalid grpc-timeout '{Timeout}' on {Method}.")]
    public static partial void InvalidTimeoutIgnored(ILogger logger, string timeout, string method);

    [LoggerMessage(6, LogLevel.Information, "Rejected {Path}: {Reason}")]
    public static partial void RequestRejected(ILogger logger, string path, string reason);

    [LoggerMessage(7, LogLevel.Information, "No gRPC method is mapped at {Path}.")]
    public static partial void Unimplemented(ILogger logger, string path);
}
