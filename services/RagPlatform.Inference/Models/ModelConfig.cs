namespace RagPlatform.Inference.Models;

/// <summary>What a model's config.json says that the pipelines use. Sizes are 0 where the config omits them.</summary>
public sealed record ModelConfig
{
    /// <summary>Hugging Face model_type, e.g. "bert", "qwen2", "llama".</summary>
    public string ModelType { get; init; } = "";

    /// <summary>The first entry of "architectures", e.g. "BertModel", "Qwen2ForCausalLM".</summary>
    public string Architecture { get; init; } = "";

    /// <summary>"_name_or_path" when present (the hub id the files came from).</summary>
    public string? NameOrPath { get; init; }

    public int HiddenSize { get; init; }

    public int LayerCount { get; init; }

    public int AttentionHeads { get; init; }

    /// <summary>num_key_value_heads; equals <see cref="AttentionHeads"/> when the config has none (no grouped-query attention).</summary>
    public int KeyValueHeads { get; init; }

    /// <summary>head_dim when given, else hidden_size / num_attention_heads.</summary>
    public int HeadDimension { get; init; }

    public int VocabularySize { get; init; }

    /// <summary>max_position_embeddings: the longest sequence the position encoding covers.</summary>
    public int MaxPositions { get; init; }

    /// <summary>eos_token_id (a number or a list in config.json).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    public int? BosTokenId { get; init; }

    public int? PadTokenId { get; init; }

    /// <summary>The model forge's marker ("rag_forged": true): seeded random weights of a real architecture, not a trained model.</summary>
    public bool Forged { get; init; }
}

/// <summary>generation_config.json: the sampling defaults the model's authors ship, and its end-of-sequence ids.</summary>
public sealed record GenerationDefaults
{
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    public bool DoSample { get; init; }

    public float? Temperature { get; init; }

    public int? TopK { get; init; }

    public float? TopP { get; init; }

    public float? RepetitionPenalty { get; init; }
}

/// <summary>How token vectors become one sentence vector (sentence-transformers' 1_Pooling/config.json).</summary>
public enum PoolingMode
{
    /// <summary>Average of the non-padding token vectors (all-MiniLM-L6-v2).</summary>
    Mean,

    /// <summary>The first ([CLS]) token's vector.</summary>
    Cls,
}

/// <summary>
/// Text put before a query or a passage before embedding (sentence-transformers' config_sentence_transformers.json
/// "prompts"); empty for models trained without them, such as all-MiniLM-L6-v2.
/// </summary>
public sealed record EmbeddingPrefixes(string Query, string Passage)
{
    public static EmbeddingPrefixes None { get; } = new("", "");
}
