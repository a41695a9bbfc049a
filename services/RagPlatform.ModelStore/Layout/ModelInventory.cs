using RagPlatform.ModelStore.Install;

namespace RagPlatform.ModelStore;

/// <summary>One model folder as `rag models list` shows it.</summary>
/// <param name="Source">
/// "hub" or "import" (from rag-model.json), "incomplete" (an install was interrupted: files may be mixed), "forged"
/// (forge.json), or "unknown".
/// </param>
/// <param name="Role">From the manifest, else guessed from config.json; null when neither says.</param>
/// <param name="Problems">Why the service would refuse the folder (empty when it would load).</param>
public sealed record InstalledModel(
    string Name,
    string Directory,
    ModelRole? Role,
    string Source,
    string? Repository,
    string? Revision,
    bool Forged,
    IReadOnlyList<string> Problems);

/// <summary>Lists the model folders under a models directory (e.g. .models/hub or .models/forged/tiny).</summary>
public static class ModelInventory
{
    private const string ForgeManifest = "forge.json";

    public static IReadOnlyList<InstalledModel> Scan(string modelsDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelsDirectory);
        var root = Path.GetFullPath(modelsDirectory);
        if (!Directory.Exists(root))
        {
            return [];
        }

        var models = new List<InstalledModel>();
        foreach (var directory in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            if (Describe(directory) is { } model)
            {
                models.Add(model);
            }
        }

        return models;
    }

    /// <summary>One folder, or null when nothing in it looks like a model (no config.json, manifest or forge.json).</summary>
    public static InstalledModel? Describe(string directory)
    {
        var full = Path.GetFullPath(directory);
        var problems = new List<string>();
        ModelManifest? manifest = null;
        try
        {
            manifest = ModelManifest.TryRead(full);
        }
        catch (InvalidDataException error)
        {
            problems.Add(error.Message);
        }

        var forged = File.Exists(Path.Combine(full, ForgeManifest));
        if (manifest is null && !forged && !File.Exists(Path.Combine(full, "config.json")) && problems.Count == 0)
        {
            return null;
        }

        var role = manifest?.Role ?? ModelLayout.GuessRole(full);
        var layout = role is { } known ? ModelLayout.Validate(full, known) : null;
        problems.AddRange(layout?.Problems ?? ["config.json does not say which service the model is for."]);
        var interrupted = File.Exists(Path.Combine(full, InstallTarget.PendingMarker))
            || Directory.EnumerateFiles(full, "*" + DurableFiles.PartialSuffix, SearchOption.AllDirectories).Any();
        var source = manifest?.Source ?? (interrupted ? "incomplete" : forged ? "forged" : "unknown");
        return new InstalledModel(Path.GetFileName(full), full, role, source, manifest?.Repository, manifest?.Revision,
            forged || layout?.Forged == true, problems);
    }
}
