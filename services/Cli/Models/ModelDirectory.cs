using System.Text.Json;

namespace RagPlatform.Cli.Models;

/// <summary>What a model folder holds, read from its config.json (the model) and forge.json (present only when forged).</summary>
/// <param name="ForgeSize">"tiny" or "real" when forged; null for real weights.</param>
internal sealed record ModelDirectory(string Path, bool Exists, string? ModelId, string? Architecture, bool Forged, string? ForgeSize, long? Seed, long OnnxBytes, string? Problem)
{
    public static ModelDirectory Read(string path)
    {
        if (!File.Exists(System.IO.Path.Combine(path, "config.json")))
        {
            return new ModelDirectory(path, false, null, null, false, null, null, 0, Directory.Exists(path) ? "no config.json" : "missing");
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
            var onnx = System.IO.Path.Combine(path, "onnx");
            var bytes = Directory.Exists(onnx) ? new DirectoryInfo(onnx).EnumerateFiles().Sum(f => f.Length) : 0;
            return new ModelDirectory(path, true, id, architecture, forged, size, seed, bytes, bytes == 0 ? "no onnx/ weights" : null);
        }
        catch (Exception ex) when (ex is JsonException or IOException or InvalidOperationException)
        {
            return new ModelDirectory(path, true, null, null, false, null, null, 0, "unreadable config: " + ex.Message);
        }
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
