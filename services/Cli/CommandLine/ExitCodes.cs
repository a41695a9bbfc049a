namespace RagPlatform.Cli.CommandLine;

/// <summary>
/// What every rag command returns to the shell. Scripts branch on these, so they are part of the CLI's contract
/// (listed in `rag --help` and services/Cli/README.md) and never renumbered.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran and something it did failed: a document did not index, a service did not start, the gateway refused a request.</summary>
    public const int Failed = 1;

    /// <summary>The arguments or options are wrong; nothing was done.</summary>
    public const int Usage = 2;

    /// <summary>The platform is not running, not reachable, or not built.</summary>
    public const int Unavailable = 3;

    /// <summary>The gateway refused the API key (HTTP 401 or 403).</summary>
    public const int Unauthorized = 4;

    /// <summary>A bug in rag itself: an exception nobody expected.</summary>
    public const int Internal = 70;

    /// <summary>Interrupted with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    public const string HelpText =
        "Exit codes: 0 success; 1 failed (a document, service or request failed); 2 usage error; "
        + "3 platform not running, unreachable or not built; 4 API key refused; 70 internal error; 130 cancelled.";
}
