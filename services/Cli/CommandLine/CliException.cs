namespace RagPlatform.Cli.CommandLine;

/// <summary>
/// An expected failure: printed as one plain message (and a hint saying what to do), never with a stack trace, and
/// turned into <see cref="ExitCode"/>. Anything else that escapes a command is a bug and reported as one.
/// </summary>
internal sealed class CliException(int exitCode, string message, string? hint = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>What the user can do about it, e.g. "Start the platform with `rag up`."</summary>
    public string? Hint { get; } = hint;

    public static CliException Usage(string message, string? hint = null) => new(ExitCodes.Usage, message, hint);

    public static CliException Failed(string message, string? hint = null) => new(ExitCodes.Failed, message, hint);

    public static CliException Unavailable(string message, string? hint = null) => new(ExitCodes.Unavailable, message, hint);
}
