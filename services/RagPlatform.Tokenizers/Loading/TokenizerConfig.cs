using System.Text.Json;

namespace RagPlatform.Tokenizers.Loading;

/// <summary>
/// What tokenizer_config.json (with special_tokens_map.json and generation_config.json as fallbacks) says about a
/// model: role token names, model_max_length, casing and cleanup flags, added tokens.
/// </summary>
internal sealed record TokenizerConfig
{
    public Dictionary<string, string> RoleTokens { get; init; } = new(StringComparer.Ordinal);

    public List<string> AdditionalSpecialTokens { get; init; } = [];

    public List<AddedToken> AddedTokensDecoder { get; init; } = [];

    public List<int> GenerationEosIds { get; init; } = [];

    public int ModelMaxLength { get; init; } = int.MaxValue;

    public bool? DoLowerCase { get; init; }

    public bool? StripAccents { get; init; }

    public bool TokenizeChineseChars { get; init; } = true;

    public bool? CleanUpTokenizationSpaces { get; init; }

    private static readonly string[] Roles = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"];

    public static TokenizerConfig Read(string directory)
    {
        var config = new TokenizerConfig();
        var roles = new Dictionary<string, string>(StringComparer.Ordinal);
        var additional = new List<string>();

        // special_tokens_map.json first, so tokenizer_config.json wins where both speak.
        if (ReadJson(directory, "special_tokens_map.json") is { } map)
        {
            using (map)
            {
                ReadRoles(map.RootElement, roles, additional);
            }
        }

        if (ReadJson(directory, "tokenizer_config.json") is { } document)
        {
            using (document)
            {
                var root = document.RootElement;
                ReadRoles(root, roles, additional);
                config = config with
                {
                    ModelMaxLength = root.TryGetProperty("model_max_length", out var max) && max.ValueKind == JsonValueKind.Number
                        ? (int)Math.Min(max.GetDouble(), int.MaxValue)
                        : int.MaxValue,
                    DoLowerCase = Bool(root, "do_lower_case"),
                    StripAccents = Bool(root, "strip_accents"),
                    TokenizeChineseChars = Bool(root, "tokenize_chinese_chars") ?? true,
                    CleanUpTokenizationSpaces = Bool(root, "clean_up_tokenization_spaces"),
                    AddedTokensDecoder = ReadAddedTokensDecoder(root),
                };
            }
        }

        return config with
        {
            RoleTokens = roles,
            AdditionalSpecialTokens = additional.Distinct(StringComparer.Ordinal).ToList(),
            GenerationEosIds = ReadGenerationEos(directory),
        };
    }

    private static void ReadRoles(JsonElement root, Dictionary<string, string> roles, List<string> additional)
    {
        foreach (var role in Roles)
        {
            if (root.TryGetProperty(role, out var value) && TokenContent(value) is { } content)
            {
                roles[role] = content;
            }
        }

        if (root.TryGetProperty("additional_special_tokens", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            additional.AddRange(list.EnumerateArray().Select(TokenContent).OfType<string>());
        }
    }

    private static List<AddedToken> ReadAddedTokensDecoder(JsonElement root)
    {
        var tokens = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens_decoder", out var decoder) || decoder.ValueKind != JsonValueKind.Object)
        {
            return tokens;
        }

        foreach (var entry in decoder.EnumerateObject())
        {
            tokens.Add(ReadAddedToken(int.Parse(entry.Name, System.Globalization.CultureInfo.InvariantCulture), entry.Value));
        }

        return tokens;
    }

    /// <summary>An added token object as tokenizer.json and added_tokens_decoder write it.</summary>
    public static AddedToken ReadAddedToken(int id, JsonElement token)
    {
        var special = Bool(token, "special") ?? false;
        return new AddedToken(
            id,
            token.GetProperty("content").GetString() ?? string.Empty,
            special,
            Bool(token, "normalized") ?? !special,
            Bool(token, "lstrip") ?? false,
            Bool(token, "rstrip") ?? false);
    }

    private static List<int> ReadGenerationEos(string directory)
    {
        var ids = new List<int>();
        if (ReadJson(directory, "generation_config.json") is not { } document)
        {
            return ids;
        }

        using (document)
        {
            if (document.RootElement.TryGetProperty("eos_token_id", out var eos))
            {
                if (eos.ValueKind == JsonValueKind.Number)
                {
                    ids.Add(eos.GetInt32());
                }
                else if (eos.ValueKind == JsonValueKind.Array)
                {
                    ids.AddRange(eos.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number).Select(e => e.GetInt32()));
                }
            }
        }

        return ids;
    }

    private static string? TokenContent(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object when value.TryGetProperty("content", out var content) => content.GetString(),
        _ => null,
    };

    public static bool? Bool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    public static JsonDocument? ReadJson(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        return File.Exists(path) ? JsonDocument.Parse(File.ReadAllBytes(path)) : null;
    }
}
