using RagPlatform.Inference.Runtime;
using RagPlatform.Tokenizers;

namespace RagPlatform.Inference.Models;

/// <summary>
/// A model in the transformers.js / Optimum layout: config.json, tokenizer files, onnx/model.onnx (or model.onnx; the
/// file config.json's transformers.js_config.dtype selects when present, as transformers.js does: q8 → onnx/model_quantized.onnx),
/// and optionally generation_config.json and the sentence-transformers files. <see cref="Load"/> reads and checks
/// everything except the ONNX graph itself, which a pipeline opens as a session.
/// </summary>
public sealed class ModelDirectory
{
    /// <summary>Where the fix for a missing file is explained in every error.</summary>
    internal const string ProvideHint =
        "Forge a test model of the real architecture with scripts/forge-models.sh (--size tiny|real), or point to a " +
        "directory holding real weights in the transformers.js layout (e.g. Xenova/all-MiniLM-L6-v2 with its onnx/ folder).";

    private readonly ITokenizer? _tokenizer;

    private ModelDirectory(string path, ModelConfig config, GenerationDefaults? generation, PoolingMode? pooling,
        EmbeddingPrefixes prefixes, string onnxPath, ITokenizer? tokenizer)
    {
        Path = path;
        Config = config;
        Generation = generation;
        Pooling = pooling;
        Prefixes = prefixes;
        OnnxPath = onnxPath;
        _tokenizer = tokenizer;
    }

    public string Path { get; }

    /// <summary>The folder name, or config.json's "_name_or_path" when it has one.</summary>
    public string ModelId => Config.NameOrPath ?? System.IO.Path.GetFileName(Path);

    public ModelConfig Config { get; }

    /// <summary>generation_config.json, or null when the directory has none.</summary>
    public GenerationDefaults? Generation { get; }

    /// <summary>The pooling of 1_Pooling/config.json; null when the directory has no sentence-transformers pooling config.</summary>
    public PoolingMode? Pooling { get; }

    public EmbeddingPrefixes Prefixes { get; }

    public string OnnxPath { get; }

    public bool HasTokenizer => _tokenizer is not null;

    /// <summary>The model's tokenizer; throws naming the missing files when the directory has none.</summary>
    public ITokenizer Tokenizer => _tokenizer ?? throw new FileNotFoundException(
        $"Model directory '{Path}' has no tokenizer (tokenizer.json, vocab.txt, or vocab.json with merges.txt). {ProvideHint}");

    /// <summary>
    /// Every id that ends generation: config.json's eos_token_id, generation_config.json's, and the tokenizer's eos,
    /// without duplicates.
    /// </summary>
    public IReadOnlyList<int> EosTokenIds =>
        Config.EosTokenIds
            .Concat(Generation?.EosTokenIds ?? [])
            .Concat(_tokenizer?.SpecialTokens.Eos ?? [])
            .Distinct()
            .ToArray();

    /// <summary>
    /// Reads a model directory. Missing required files (config.json, the ONNX model, an external-data file the config
    /// announces) give <see cref="FileNotFoundException"/> naming the file and how to provide it.
    /// </summary>
    /// <param name="requireTokenizer">False only for tools that feed token ids (e.g. benchmarks of a config-only model).</param>
    public static ModelDirectory Load(string path, bool requireTokenizer = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(fullPath))
        {
            throw new DirectoryNotFoundException($"Model directory '{fullPath}' does not exist. {ProvideHint}");
        }

        var configFile = Require(fullPath, "config.json");
        var (config, externalData, dtype) = ModelConfigReader.ReadConfig(configFile);
        var generationFile = System.IO.Path.Combine(fullPath, "generation_config.json");
        var generation = File.Exists(generationFile) ? ModelConfigReader.ReadGeneration(generationFile) : null;
        var poolingFile = System.IO.Path.Combine(fullPath, "1_Pooling", "config.json");
        var pooling = File.Exists(poolingFile) ? ModelConfigReader.ReadPooling(poolingFile) : (PoolingMode?)null;
        var promptsFile = System.IO.Path.Combine(fullPath, "config_sentence_transformers.json");
        var prefixes = File.Exists(promptsFile) ? ModelConfigReader.ReadPrefixes(promptsFile) : EmbeddingPrefixes.None;
        var onnxPath = FindOnnx(fullPath, externalData, dtype);
        var tokenizer = LoadTokenizer(fullPath, requireTokenizer);
        return new ModelDirectory(fullPath, config, generation, pooling, prefixes, onnxPath, tokenizer);
    }

    /// <summary>Opens the ONNX model as a session (one per model; <see cref="OnnxSession.Run"/> is thread-safe).</summary>
    public OnnxSession OpenSession(OnnxSessionFactory sessions, InferenceSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        return sessions.Open(OnnxPath, options);
    }

    /// <summary>Forged when either the config (rag_forged) or the ONNX metadata (forged=true) says so.</summary>
    public bool IsForged(OnnxSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return Config.Forged ||
            (session.CustomMetadata.TryGetValue("forged", out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase));
    }

    public override string ToString() => $"ModelDirectory({ModelId})";

    private static string Require(string directory, string file)
    {
        var path = System.IO.Path.Combine(directory, file);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Model directory '{directory}' has no {file}. {ProvideHint}", path);
    }

    private static string FindOnnx(string directory, bool externalData, string? dtype)
    {
        var onnx = OnnxFileNames.Find(directory, dtype) ?? throw new FileNotFoundException(
            $"Model directory '{directory}' has no {OnnxFileNames.Describe(dtype)} (nor one beside config.json). {ProvideHint}",
            System.IO.Path.Combine(directory, "onnx", OnnxFileNames.Default));
        var data = onnx + "_data";
        if (externalData && !File.Exists(data))
        {
            throw new FileNotFoundException(
                $"config.json announces external weights (use_external_data_format) but '{data}' is missing. {ProvideHint}", data);
        }

        return onnx;
    }

    private static ITokenizer? LoadTokenizer(string directory, bool required)
    {
        var present = File.Exists(System.IO.Path.Combine(directory, "tokenizer.json"))
            || File.Exists(System.IO.Path.Combine(directory, "vocab.txt"))
            || File.Exists(System.IO.Path.Combine(directory, "vocab.json"));
        if (present)
        {
            return TokenizerLoader.Load(directory);
        }

        return required
            ? throw new FileNotFoundException(
                $"Model directory '{directory}' has no tokenizer (tokenizer.json, vocab.txt, or vocab.json with merges.txt). {ProvideHint}",
                System.IO.Path.Combine(directory, "tokenizer.json"))
            : null;
    }
}
