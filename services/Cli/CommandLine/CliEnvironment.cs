using System.Collections;

namespace RagPlatform.Cli.CommandLine;

/// <summary>
/// What rag reads from the process it runs in: environment variables, the working directory and where its own
/// assembly sits. A value, so tests give a command a made-up environment instead of mutating the real one.
/// </summary>
internal sealed record CliEnvironment(IReadOnlyDictionary<string, string> Variables, string CurrentDirectory, string AppDirectory)
{
    /// <summary>Overrides the state directory (default: .rag/ in the repository).</summary>
    public const string HomeVariable = "RAG_HOME";

    public const string GatewayVariable = "RAG_GATEWAY";

    public const string ApiKeyVariable = "RAG_API_KEY";

    public const string ModelsVariable = "RAG_MODELS_DIR";

    /// <summary>Set to 1 to see the stack trace of an internal error.</summary>
    public const string DebugVariable = "RAG_DEBUG";

    public static CliEnvironment FromProcess()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                variables[key] = value;
            }
        }

        return new CliEnvironment(variables, Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
    }

    /// <summary>The variable's value, or null when it is unset or empty (an empty variable means "not set" to a user).</summary>
    public string? Get(string name) => Variables.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>Makes <paramref name="path"/> absolute against the working directory rag was started in.</summary>
    public string FullPath(string path) => Path.GetFullPath(path, CurrentDirectory);

    /// <summary>The checkout rag runs from or is started in: the nearest folder above holding RagPlatform.sln.</summary>
    public string? RepositoryRoot()
    {
        foreach (var start in new[] { AppDirectory, CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "RagPlatform.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>The build configuration rag itself was built in ("Release", "Debug"), read from its bin/ path.</summary>
    public string? OwnBuildConfiguration()
    {
        var parts = AppDirectory.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var bin = Array.LastIndexOf(parts, "bin");
        return bin >= 0 && bin + 1 < parts.Length ? parts[bin + 1] : null;
    }
}
