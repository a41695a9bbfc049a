using System.Text.Json;
using RagPlatform.Tokenizers.Bpe;
using RagPlatform.Tokenizers.WordPiece;
using Ml = Microsoft.ML.Tokenizers;

namespace RagPlatform.Tokenizers.Loading;

/// <summary>Tokenizers built from the "slow" files: vocab.txt (BERT) or vocab.json + merges.txt (byte-level BPE).</summary>
internal static class VocabularyFiles
{
    public static ITokenizer ReadWordPiece(string vocabPath, TokenizerConfig config)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var id = 0;
        foreach (var line in File.ReadLines(vocabPath))
        {
            vocabulary.TryAdd(line.TrimEnd('\r', '\n'), id++);
        }

        // BertTokenizer never splits its role tokens; they behave as special added tokens.
        var added = config.AddedTokensDecoder.Count > 0
            ? config.AddedTokensDecoder
            : config.RoleTokens.Values.Concat(config.AdditionalSpecialTokens).Distinct(StringComparer.Ordinal)
                .Where(vocabulary.ContainsKey)
                .Select(t => new AddedToken(vocabulary[t], t, Special: true, Normalized: false, LStrip: false, RStrip: false))
                .OrderBy(t => t.Id)
                .ToList();
        var unk = config.RoleTokens.GetValueOrDefault("unk_token", "[UNK]");
        var cls = config.RoleTokens.GetValueOrDefault("cls_token", "[CLS]");
        var sep = config.RoleTokens.GetValueOrDefault("sep_token", "[SEP]");
        if (!vocabulary.TryGetValue(cls, out var clsId) || !vocabulary.TryGetValue(sep, out var sepId))
        {
            throw new InvalidDataException($"'{vocabPath}' lacks the {cls} or {sep} token BERT's template needs.");
        }

        var parts = TokenizerLoader.Parts(vocabulary, added, PostProcessorTemplate.Bert(clsId, sepId), config);
        var lowercase = config.DoLowerCase ?? true;
        return new WordPieceTokenizer(
            parts,
            PackageModels.WordPiece(vocabulary, unk, "##", maxInputCharsPerWord: 100),
            new BertNormalizerOptions(CleanText: true, config.TokenizeChineseChars, lowercase, config.StripAccents),
            new WordPieceDecoding(DecoderCleanup: true, config.CleanUpTokenizationSpaces ?? true),
            config.AdditionalSpecialTokens);
    }

    public static ITokenizer ReadBpe(string directory, TokenizerConfig config)
    {
        // The package reads vocab.json and merges.txt itself (and says which merges line is malformed).
        var options = new Ml.BpeOptions(Path.Combine(directory, "vocab.json"), Path.Combine(directory, "merges.txt"));
        var added = config.AddedTokensDecoder.Count > 0 ? config.AddedTokensDecoder : ReadAddedTokensJson(directory, config);
        var parts = TokenizerLoader.Parts(new Dictionary<string, int>(options.Vocabulary, StringComparer.Ordinal), added,
            PostProcessorTemplate.None, config);
        return new ByteLevelBpeTokenizer(parts, PackageModels.ByteLevelBpe(options, added), nfc: true,
            config.CleanUpTokenizationSpaces ?? false);
    }

    /// <summary>added_tokens.json lists content → id; special when a role or additional special token names it.</summary>
    private static List<AddedToken> ReadAddedTokensJson(string directory, TokenizerConfig config)
    {
        var path = Path.Combine(directory, "added_tokens.json");
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = File.OpenRead(path);
        var entries = JsonSerializer.Deserialize(stream, TokenizerJsonContext.Default.DictionaryStringInt32) ?? [];
        var special = config.RoleTokens.Values.Concat(config.AdditionalSpecialTokens).ToHashSet(StringComparer.Ordinal);
        return entries.OrderBy(e => e.Value)
            .Select(e => new AddedToken(e.Value, e.Key, special.Contains(e.Key), Normalized: false, LStrip: false, RStrip: false))
            .ToList();
    }
}
