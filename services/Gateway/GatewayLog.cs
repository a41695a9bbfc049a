namespace RagPlatform.Gateway;

internal static partial class GatewayLog
{
    [LoggerMessage(1, LogLevel.Warning, "No API key was configured: generated the first admin key into {File} (readable by this user only).")]
    public static partial void BootstrapKeyWritten(ILogger logger, string file);

    [LoggerMessage(2, LogLevel.Information, "The client went away during {Path}.")]
    public static partial void ClientWentAway(ILogger logger, string path);

    [LoggerMessage(3, LogLevel.Error, "Unhandled failure serving {Path}.")]
    public static partial void Unhandled(ILogger logger, string path, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "The answer stream failed after it started: {Status} {Detail}")]
    public static partial void StreamFailed(ILogger logger, string status, string detail);
}
