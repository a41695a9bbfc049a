using Microsoft.Extensions.Logging;

namespace RagPlatform.ModelStore;

internal static partial class ModelStoreLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Pulling {Model} ({Repository}@{Revision}) into {Directory}")]
    public static partial void PullStarted(ILogger logger, string model, string repository, string revision, string directory);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Model} is already installed in {Directory}")]
    public static partial void UpToDate(ILogger logger, string model, string directory);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "{What} failed ({Failures} of at most {MaxRetries} retries in a row), retrying in {DelayMs} ms: {Reason}")]
    public static partial void Retrying(ILogger logger, string what, int failures, int maxRetries, long delayMs, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Resuming {File} at byte {Offset}")]
    public static partial void Resuming(ILogger logger, string file, long offset);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Installed {File} ({Bytes} bytes, verified by {VerifiedBy})")]
    public static partial void FileInstalled(ILogger logger, string file, long bytes, string verifiedBy);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Discarded the partial download of {File}: {Reason}")]
    public static partial void PartialDiscarded(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Importing {Model} from {Source} into {Directory}")]
    public static partial void ImportStarted(ILogger logger, string model, string source, string directory);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Installed {File} unverified: no catalog pin and no SHA256SUMS entry")]
    public static partial void InstalledUnverified(ILogger logger, string file);
}
