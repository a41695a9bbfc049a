using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RagPlatform.OnnxGraph.Directories;

/// <summary>
/// A model directory in the transformers.js / Optimum layout as a transform's input: its config.json and the ONNX file
/// the services would open (the one transformers.js_config.dtype selects when present, else model.onnx; in onnx/ or
/// the root).
/// </summary>
internal sealed class SourceModel
{
    private SourceModel(string directory, JsonObject config, string onnxPath)
    {
        Directory = directory;
        Config = config;
        OnnxPath = onnxPath;
    }

    public string Directory { get; }

    public string Name => Path.GetFileName(Directory);

    /// <summary>Parsed once; a transform edits it into its output's config.json.</summary>
    public JsonObject Config { get; }

    public string OnnxPath { get; }

    /// <summary>The ONNX file relative to the directory (onnx/model.onnx or model.onnx).</summary>
    public string OnnxRelativePath => Path.GetRelativePath(Directory, OnnxPath);

    public bool Forged => Config["rag_forged"] is JsonValue forged && forged.TryGetValue<bool>(out var value) && value;

    public static SourceModel Open(string directory)
    {
        var root = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(root))
        {
            throw new OnnxGraphException($"Model directory '{root}' does not exist.");
        }

        var configPath = Path.Combine(root, "config.json");
        if (!File.Exists(configPath))
        {
            throw new OnnxGraphException($"'{root}' has no config.json: it is not a model directory in the transformers.js / Optimum layout.");
        }

        JsonObject config;
        string? dtype;
        try
        {
            var bytes = File.ReadAllBytes(configPath);
            using (var document = JsonDocument.Parse(bytes))
            {
                dtype = OnnxFileNames.DtypeOf(document.RootElement);
            }

            config = JsonNode.Parse(bytes) as JsonObject ?? throw new OnnxGraphException($"'{configPath}' is not a JSON object.");
        }
        catch (JsonException error)
        {
            throw new OnnxGraphException($"'{configPath}' is not valid JSON: {error.Message}", error);
        }

        var onnx = OnnxFileNames.Find(root, dtype)
            ?? throw new OnnxGraphException($"'{root}' has no {OnnxFileNames.Describe(dtype)} (nor one beside config.json).");
        return new SourceModel(root, config, onnx);
    }

    /// <summary>
    /// What a derived model was made from: the ONNX file's sha256 and the sizes of the files beside it (external data
    /// is not hashed: a 2 GB file would dominate a rerun that finds everything up to date), plus the transform's recipe.
    /// </summary>
    public string Fingerprint(string recipe)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(recipe + "\n"));
        using (var stream = File.OpenRead(OnnxPath))
        {
            hash.AppendData(SHA256.HashData(stream));
        }

        foreach (var data in System.IO.Directory.EnumerateFiles(Path.GetDirectoryName(OnnxPath)!, Path.GetFileName(OnnxPath) + "_data*").Order(StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{Path.GetFileName(data)}:{new FileInfo(data).Length}\n"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
