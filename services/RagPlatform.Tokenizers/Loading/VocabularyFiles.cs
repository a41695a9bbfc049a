using System.Text.Json;
using RagPlatform.Tokenizers.Bpe;
using RagPlatform.Tokenizers.WordPiece;

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
        Dictionary<string, int> vocabulary;
        using (var stream = File.OpenRead(Path.Combine(directory, "vocab.json")))
        {
            vocabulary = JsonSerializer.Deserialize(stream, TokenizerJsonContext.Default.DictionaryStringInt32)
                ?? throw new InvalidDataException("vocab.json is empty.");
        }

        var merges = new List<(string, string)>();
        foreach (var line in File.ReadLines(Path.Combine(directory, "merges.txt")))
        {
            if (line.StartsWith("#version", StringComparison.Ordinal) || line.Length == 0)
            {
                continue;
            }

            merges.Add(SplitMerge(line));
        }

        var added = config.AddedTokensDecoder.Count > 0 ? config.AddedTokensDecoder : ReadAddedTokensJson(directory, config);
        var parts = TokenizerLoader.Parts(vocabulary, added, PostProcessorTemplate.None, config);
        return new ByteLevelBpeTokenizer(parts, PackageModels.ByteLevelBpe(vocabulary, merges, added), nfc: true,
            config.CleanUpTokenizationSpaces ?? false);
    }

    public static (string Left, string Right) SplitMerge(string merge)
    {
        var space = merge.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || space == merge.Length - 1)
        {
            throw new InvalidDataException($"Malformed merge '{merge}'.");
        }

        var end = merge.IndexOf(' ', space + 1);
        return (merge[..space], end < 0 ? merge[(space + 1)..] : merge[(space + 1)..end]);
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
