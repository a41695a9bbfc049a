using System.Text.Json;

namespace RagPlatform.ModelStore;

/// <summary>What <see cref="ModelLayout.Validate"/> found; <see cref="Problems"/> lists each thing the service would refuse.</summary>
/// <param name="OnnxPath">The graph the service would open (the file config.json's dtype selects when present, e.g. onnx/model_quantized.onnx for q8, else onnx/model.onnx, else model.onnx); null when there is none.</param>
/// <param name="Forged">config.json says "rag_forged": true — seeded random weights, not a trained model.</param>
public sealed record ModelLayoutReport(string Directory, ModelRole Role, IReadOnlyList<string> Problems, string? OnnxPath, bool Forged)
{
    public bool IsValid => Problems.Count == 0;
}

/// <summary>
/// The transformers.js / Optimum layout the model services load (RagPlatform.Inference's ModelDirectory): config.json,
/// a tokenizer (tokenizer.json, vocab.txt, or vocab.json with merges.txt), onnx/model.onnx or model.onnx, plus
/// model.onnx_data when config.json announces external weights. Checked from the file system alone, so it is cheap
/// enough for `rag models list` and needs neither ONNX Runtime nor the tokenizer loaded.
/// </summary>
public static class ModelLayout
{
    public static ModelLayoutReport Validate(string directory, ModelRole role)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = Path.GetFullPath(directory);
        var problems = new List<string>();
        if (!Directory.Exists(root))
        {
            return new ModelLayoutReport(root, role, [$"'{root}' does not exist."], null, false);
        }

        var config = ReadConfig(root, problems);
        var onnx = FindOnnx(root, problems, config?.Dtype);
        if (onnx is not null && config is { ExternalData: true } && !File.Exists(onnx + "_data"))
        {
            problems.Add($"config.json announces external weights (use_external_data_format) but {Relative(root, onnx)}_data is missing.");
        }

        var tokenizer = File.Exists(Path.Combine(root, "tokenizer.json")) || File.Exists(Path.Combine(root, "vocab.txt"))
            || (File.Exists(Path.Combine(root, "vocab.json")) && File.Exists(Path.Combine(root, "merges.txt")));
        if (!tokenizer)
        {
            problems.Add("no tokenizer: tokenizer.json, vocab.txt, or vocab.json with merges.txt.");
        }

        if (config is not null)
        {
            CheckRole(role, config, problems);
        }

        return new ModelLayoutReport(root, role, problems, onnx, config?.Forged ?? false);
    }

    private static void CheckRole(ModelRole role, ModelConfigFacts config, List<string> problems)
    {
        var architecture = config.Architecture ?? "(none)";
        switch (role)
        {
            case ModelRole.Generator when !architecture.EndsWith("ForCausalLM", StringComparison.Ordinal):
                problems.Add($"config.json's architecture {architecture} is not a causal language model (…ForCausalLM).");
                break;
            case ModelRole.Generator when config.LayerCount <= 0:
                problems.Add("config.json has no num_hidden_layers, which the generator needs to size its KV cache.");
                break;
            case ModelRole.Reranker when !architecture.EndsWith("ForSequenceClassification", StringComparison.Ordinal):
                problems.Add($"config.json's architecture {architecture} is not a cross-encoder (…ForSequenceClassification).");
                break;
            case ModelRole.Embedder when architecture.EndsWith("ForCausalLM", StringComparison.Ordinal)
                || architecture.EndsWith("ForSequenceClassification", StringComparison.Ordinal):
                problems.Add($"config.json's architecture {architecture} is not an encoder that embeds text.");
                break;
        }
    }

    private static string? FindOnnx(string root, List<string> problems, string? dtype)
    {
        if (OnnxFileNames.Find(root, dtype) is not { } onnx)
        {
            problems.Add($"no {OnnxFileNames.Describe(dtype)} (nor one beside config.json).");
            return null;
        }

        if (new FileInfo(onnx).Length == 0)
        {
            problems.Add($"{Relative(root, onnx)} is empty.");
        }

        return onnx;
    }

    private static ModelConfigFacts? ReadConfig(string root, List<string> problems)
    {
        var path = Path.Combine(root, "config.json");
        if (!File.Exists(path))
        {
            problems.Add("no config.json.");
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var json = document.RootElement;
            if (json.ValueKind != JsonValueKind.Object)
            {
                problems.Add("config.json is not a JSON object.");
                return null;
            }

            var architecture = json.TryGetProperty("architectures", out var archs) && archs.ValueKind == JsonValueKind.Array && archs.GetArrayLength() > 0
                && archs[0].ValueKind == JsonValueKind.String
                ? archs[0].GetString()
                : null;
            var external = json.TryGetProperty("transformers.js_config", out var js) && js.ValueKind == JsonValueKind.Object
                && js.TryGetProperty("use_external_data_format", out var flag) && flag.ValueKind == JsonValueKind.True;
            var layers = json.TryGetProperty("num_hidden_layers", out var count) && count.TryGetInt32(out var n) ? n : 0;
            var forged = json.TryGetProperty("rag_forged", out var marker) && marker.ValueKind == JsonValueKind.True;
            return new ModelConfigFacts(architecture, external, layers, forged, OnnxFileNames.DtypeOf(json));
        }
        catch (JsonException error)
        {
            problems.Add($"config.json is not valid JSON: {error.Message}");
            return null;
        }
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');

    private sealed record ModelConfigFacts(string? Architecture, bool ExternalData, int LayerCount, bool Forged, string? Dtype);
}
