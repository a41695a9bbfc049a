using System.Text.Json;
using RagPlatform.Tokenizers.Bpe;
using RagPlatform.Tokenizers.WordPiece;
using Ml = Microsoft.ML.Tokenizers;

namespace RagPlatform.Tokenizers.Loading;

/// <summary>Reads a Hugging Face tokenizer.json; supports BERT WordPiece and Qwen2-style byte-level BPE pipelines.</summary>
internal static class TokenizerJsonReader
{
    public static ITokenizer Read(string path, TokenizerConfig config)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 256 });
        var root = document.RootElement;
        var model = root.GetProperty("model");
        var added = root.TryGetProperty("added_tokens", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(t => TokenizerConfig.ReadAddedToken(t.GetProperty("id").GetInt32(), t)).ToList()
            : [];
        var type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
        return type switch
        {
            "WordPiece" => ReadWordPiece(root, model, ReadVocabulary(model.GetProperty("vocab")), added, config),
            "BPE" => ReadBpe(root, model, ReadVocabulary(model.GetProperty("vocab")), added, config),
            _ => throw new NotSupportedException($"tokenizer.json model type '{type}' is not supported (WordPiece and BPE are)."),
        };
    }

    private static WordPieceTokenizer ReadWordPiece(JsonElement root, JsonElement wordPiece, Dictionary<string, int> vocabulary,
        List<AddedToken> added, TokenizerConfig config)
    {
        var normalizer = root.GetProperty("normalizer");
        if (normalizer.ValueKind != JsonValueKind.Object || normalizer.GetProperty("type").GetString() != "BertNormalizer")
        {
            throw new NotSupportedException("Only WordPiece tokenizers with a BertNormalizer are supported.");
        }

        if (Type(root, "pre_tokenizer") != "BertPreTokenizer")
        {
            throw new NotSupportedException("Only WordPiece tokenizers with a BertPreTokenizer are supported.");
        }

        var parts = TokenizerLoader.Parts(vocabulary, added, ReadTemplate(root), config);
        var decoder = root.TryGetProperty("decoder", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        var model = PackageModels.WordPiece(
            vocabulary,
            wordPiece.GetProperty("unk_token").GetString() ?? "[UNK]",
            wordPiece.TryGetProperty("continuing_subword_prefix", out var prefix) ? prefix.GetString() ?? "##" : "##",
            wordPiece.TryGetProperty("max_input_chars_per_word", out var max) ? max.GetInt32() : 100);
        return new WordPieceTokenizer(
            parts,
            model,
            new BertNormalizerOptions(
                TokenizerConfig.Bool(normalizer, "clean_text") ?? true,
                TokenizerConfig.Bool(normalizer, "handle_chinese_chars") ?? true,
                TokenizerConfig.Bool(normalizer, "lowercase") ?? true,
                TokenizerConfig.Bool(normalizer, "strip_accents")),
            new WordPieceDecoding(
                decoder.ValueKind == JsonValueKind.Object && (TokenizerConfig.Bool(decoder, "cleanup") ?? false),
                config.CleanUpTokenizationSpaces ?? true),
            config.AdditionalSpecialTokens);
    }

    private static ByteLevelBpeTokenizer ReadBpe(JsonElement root, JsonElement model, Dictionary<string, int> vocabulary,
        List<AddedToken> added, TokenizerConfig config)
    {
        var normalizer = Type(root, "normalizer");
        if (normalizer is not (null or "NFC"))
        {
            throw new NotSupportedException($"BPE normalizer '{normalizer}' is not supported (NFC or none are).");
        }

        if (!IsQwen2PreTokenizer(root.GetProperty("pre_tokenizer")))
        {
            throw new NotSupportedException(
                "Only the Qwen2 byte-level pre-tokenizer (Split with the Qwen2 pattern, then ByteLevel without regex) is supported.");
        }

        if (TokenizerConfig.Bool(model, "byte_fallback") == true || model.TryGetProperty("end_of_word_suffix", out var suffix)
            && suffix.ValueKind == JsonValueKind.String && suffix.GetString()!.Length > 0)
        {
            throw new NotSupportedException("BPE byte_fallback and end_of_word_suffix are not supported.");
        }

        // Merges are "left right" strings or [left, right] pairs; the package takes the former.
        var merges = model.GetProperty("merges").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.Array ? m[0].GetString() + " " + m[1].GetString() : m.GetString()!)
            .ToList();
        var parts = TokenizerLoader.Parts(vocabulary, added, ReadTemplate(root), config);
        var bpe = PackageModels.ByteLevelBpe(new Ml.BpeOptions(vocabulary) { Merges = merges }, added);
        return new ByteLevelBpeTokenizer(parts, bpe, normalizer == "NFC", config.CleanUpTokenizationSpaces ?? false);
    }

    private static bool IsQwen2PreTokenizer(JsonElement pre)
    {
        if (pre.ValueKind != JsonValueKind.Object || pre.GetProperty("type").GetString() != "Sequence")
        {
            return false;
        }

        var steps = pre.GetProperty("pretokenizers").EnumerateArray().ToList();
        return steps.Count == 2
            && steps[0].GetProperty("type").GetString() == "Split"
            && steps[0].GetProperty("pattern").TryGetProperty("Regex", out var regex) && regex.GetString() == Qwen2PreTokenizer.Pattern
            && string.Equals(steps[0].GetProperty("behavior").GetString(), "Isolated", StringComparison.OrdinalIgnoreCase)
            && TokenizerConfig.Bool(steps[0], "invert") != true
            && steps[1].GetProperty("type").GetString() == "ByteLevel"
            && TokenizerConfig.Bool(steps[1], "add_prefix_space") != true
            && TokenizerConfig.Bool(steps[1], "use_regex") == false;
    }

    /// <summary>TemplateProcessing or BertProcessing post-processors; anything else adds no special tokens.</summary>
    private static PostProcessorTemplate ReadTemplate(JsonElement root)
    {
        if (!root.TryGetProperty("post_processor", out var post) || post.ValueKind != JsonValueKind.Object)
        {
            return PostProcessorTemplate.None;
        }

        switch (post.GetProperty("type").GetString())
        {
            case "TemplateProcessing":
                var ids = post.GetProperty("special_tokens").EnumerateObject()
                    .ToDictionary(p => p.Name, p => p.Value.GetProperty("ids")[0].GetInt32(), StringComparer.Ordinal);
                return new PostProcessorTemplate(ReadPieces(post.GetProperty("single"), ids), ReadPieces(post.GetProperty("pair"), ids));
            case "BertProcessing":
                return PostProcessorTemplate.Bert(post.GetProperty("cls")[1].GetInt32(), post.GetProperty("sep")[1].GetInt32());
            default:
                return PostProcessorTemplate.None;
        }
    }

    private static List<TemplatePiece> ReadPieces(JsonElement pieces, Dictionary<string, int> specialIds) =>
        pieces.EnumerateArray().Select(piece =>
        {
            if (piece.TryGetProperty("SpecialToken", out var special))
            {
                return TemplatePiece.Special(specialIds[special.GetProperty("id").GetString()!], special.GetProperty("type_id").GetInt32());
            }

            var sequence = piece.GetProperty("Sequence");
            return TemplatePiece.OfSequence(sequence.GetProperty("id").GetString() == "A" ? 0 : 1, sequence.GetProperty("type_id").GetInt32());
        }).ToList();

    private static Dictionary<string, int> ReadVocabulary(JsonElement vocab)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocab.EnumerateObject())
        {
            vocabulary[entry.Name] = entry.Value.GetInt32();
        }

        return vocabulary;
    }

    private static string? Type(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object ? value.GetProperty("type").GetString() : null;
}
