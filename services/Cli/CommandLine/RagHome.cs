namespace RagPlatform.Cli.CommandLine;

/// <summary>
/// The state directory `rag up` owns: .rag/ in the repository, or $RAG_HOME. Holds the API key, the internal token,
/// the running platform's record (addresses and pids), the service logs and (by default) the data.
/// </summary>
internal sealed record RagHome(string Directory)
{
    public string ApiKeyFile => Path.Combine(Directory, "api-key");

    public string GrpcTokenFile => Path.Combine(Directory, "grpc-token");

    /// <summary>The platform `rag up` planned and the pids it launched (see <see cref="Platform.PlatformRecord"/>).</summary>
    public string PlatformFile => Path.Combine(Directory, "platform.json");

    public string LogDirectory => Path.Combine(Directory, "logs");

    public string DefaultDataDirectory => Path.Combine(Directory, "data");

    public string LogFile(string service) => Path.Combine(LogDirectory, service + ".log");

    /// <summary>$RAG_HOME, else .rag/ in the repository; null when neither exists (rag runs outside a checkout).</summary>
    public static RagHome? Locate(CliEnvironment environment)
    {
        if (environment.Get(CliEnvironment.HomeVariable) is { } home)
        {
            return new RagHome(environment.FullPath(home));
        }

        return environment.RepositoryRoot() is { } repo ? new RagHome(Path.Combine(repo, ".rag")) : null;
    }

    /// <summary>Like <see cref="Locate"/>, but a command that needs state fails with what to do.</summary>
    public static RagHome Require(CliEnvironment environment) => Locate(environment)
        ?? throw CliException.Usage("rag is not running inside a RagPlatform checkout, so it has no state directory.",
            $"Set {CliEnvironment.HomeVariable} to a directory for rag's state.");
}
