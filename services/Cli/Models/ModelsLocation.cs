using RagPlatform.Cli.CommandLine;

namespace RagPlatform.Cli.Models;

/// <summary>The models directory the commands default to: --models-dir, else $RAG_MODELS_DIR, else the repository's forged tiny models.</summary>
internal static class ModelsLocation
{
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
