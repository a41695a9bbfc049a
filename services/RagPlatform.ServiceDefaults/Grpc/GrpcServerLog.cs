using Microsoft.Extensions.Logging;

namespace RagPlatform.ServiceDefaults.Grpc;

internal static partial class GrpcServerLog
{
    [LoggerMessage(1, LogLevel.Error, "Error when executing service method {Method}.")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(2, LogLevel.Information, "Call {Method} was cancelled by its caller or its deadline.")]
    public static partial void CallCancelled(ILogger logger, string method);

    [LoggerMessage(3, LogLevel.Information, "Refused a call to {Path}: {Reason}")]
    public static partial void Unauthenticated(ILogger logger, string path, string reason);

    [LoggerMessage(4, LogLevel.Information, "Malformed {MessageType} on {Method}: {Reason}")]
    public static partial void MalformedRequest(ILogger logger, string messageType, string method, string reason);
}
