using System.Text.Json;

namespace RagPlatform.Inference.Models;

/// <summary>Reads the JSON files of a model directory; unknown fields are ignored, malformed ones name the file.</summary>
internal static class ModelConfigReader
{
    /// <returns>The config, whether it announces external weights, and its transformers.js dtype (null: none).</returns>
    public static (ModelConfig Config, bool ExternalData, string? Dtype) ReadConfig(string file)
    {
        using var document = Parse(file);
        var root = document.RootElement;
        var hidden = Int(root, "hidden_size") ?? Int(root, "d_model") ?? 0;
        var heads = Int(root, "num_attention_heads") ?? 0;
        var config = new ModelConfig
        {
            ModelType = String(root, "model_type") ?? "",
            Architecture = root.TryGetProperty("architectures", out var archs) && archs.ValueKind == JsonValueKind.Array && archs.GetArrayLength() > 0
                ? archs[0].GetString() ?? ""
                : "",
            NameOrPath = String(root, "_name_or_path") is { Length: > 0 } name ? name : null,
            HiddenSize = hidden,
            LayerCount = Int(root, "num_hidden_layers") ?? 0,
            AttentionHeads = heads,
            KeyValueHeads = Int(root, "num_key_value_heads") ?? heads,
            HeadDimension = Int(root, "head_dim") ?? (heads > 0 ? hidden / heads : 0),
            VocabularySize = Int(root, "vocab_size") ?? 0,
            MaxPositions = Int(root, "max_position_embeddings") ?? 0,
            EosTokenIds = Ids(root, "eos_token_id"),
            BosTokenId = Int(root, "bos_token_id"),
            PadTokenId = Int(root, "pad_token_id"),
            Forged = root.TryGetProperty("rag_forged", out var forged) && forged.ValueKind == JsonValueKind.True,
        };
        var externalData = root.TryGetProperty("transformers.js_config", out var js) && js.ValueKind == JsonValueKind.Object
            && js.TryGetProperty("use_external_data_format", out var external) && external.ValueKind == JsonValueKind.True;
        return (config, externalData, OnnxFileNames.DtypeOf(root));
    }

    public static GenerationDefaults ReadGeneration(string file)
    {
        using var document = Parse(file);
        var root = document.RootElement;
        return new GenerationDefaults
        {
            EosTokenIds = Ids(root, "eos_token_id"),
            DoSample = root.TryGetProperty("do_sample", out var sample) && sample.ValueKind == JsonValueKind.True,
            Temperature = Float(root, "temperature"),
            TopK = Int(root, "top_k"),
            TopP = Float(root, "top_p"),
            RepetitionPenalty = Float(root, "repetition_penalty"),
        };
    }

    public static PoolingMode ReadPooling(string file)
    {
        using var document = Parse(file);
        var root = document.RootElement;
        bool Flag(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
        if (Flag("pooling_mode_mean_tokens"))
        {
            return PoolingMode.Mean;
        }

        if (Flag("pooling_mode_cls_token"))
        {
            return PoolingMode.Cls;
        }

        throw new NotSupportedException($"'{file}' asks for a pooling other than mean tokens or CLS token; only those two are supported.");
    }

    public static EmbeddingPrefixes ReadPrefixes(string file)
    {
        using var document = Parse(file);
        if (!document.RootElement.TryGetProperty("prompts", out var prompts) || prompts.ValueKind != JsonValueKind.Object)
        {
            return EmbeddingPrefixes.None;
        }

        // Models name the passage side "passage" or "document".
        return new EmbeddingPrefixes(
            String(prompts, "query") ?? "",
            String(prompts, "passage") ?? String(prompts, "document") ?? "");
    }

    private static JsonDocument Parse(string file)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"'{file}' is not valid JSON: {error.Message}", error);
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    private static float? Float(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetSingle() : null;

    private static int[] Ids(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return [];
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var id) => [id],
            JsonValueKind.Array => value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number).Select(e => e.GetInt32()).ToArray(),
            _ => [],
        };
    }
}
