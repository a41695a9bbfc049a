using RagPlatform.Cli.CommandLine;

namespace RagPlatform.Cli.Models;

/// <summary>The models directory the commands default to: --models-dir, else $RAG_MODELS_DIR, else the repository's forged tiny models.</summary>
internal static class ModelsLocation
{
    /// <summary>Set by scripts/env.sh: the real tokenizers, configs and data sets (../shared, or .data/shared on a user's clone).</summary>
    public const string SharedVariable = "RAG_SHARED_DIR";

    /// <summary>$RAG_SHARED_DIR, else ../shared beside the checkout, else the checkout's .data/shared (as scripts/env.sh decides); null outside a checkout.</summary>
    public static string? SharedDirectory(CliEnvironment environment)
    {
        if (environment.Get(SharedVariable) is { } shared)
        {
            return environment.FullPath(shared);
        }

        return environment.RepositoryRoot() is { } repo
            ? Directory.Exists(Path.Combine(repo, "..", "shared", "models")) ? Path.GetFullPath(Path.Combine(repo, "..", "shared")) : Path.Combine(repo, ".data", "shared")
            : null;
    }

    public static string Resolve(CliEnvironment environment, string? given)
    {
        if (given is not null)
        {
            return environment.FullPath(given);
        }

        if (environment.Get(CliEnvironment.ModelsVariable) is { } fromEnvironment)
        {
            return environment.FullPath(fromEnvironment);
        }

        return environment.RepositoryRoot() is { } repo
            ? Path.Combine(repo, ".models", "forged", "tiny")
            : throw CliException.Usage("No models directory: pass --models-dir DIR.");
    }
}
