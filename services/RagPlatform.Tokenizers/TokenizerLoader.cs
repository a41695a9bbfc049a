using RagPlatform.Tokenizers.Bpe;
using RagPlatform.Tokenizers.Loading;
using RagPlatform.Tokenizers.WordPiece;

namespace RagPlatform.Tokenizers;

/// <summary>Builds the right tokenizer for a Hugging Face model directory.</summary>
public static class TokenizerLoader
{
    /// <summary>Every file <see cref="Load"/> may read from a model directory; copying these copies the tokenizer.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
    [
        "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json",
        "vocab.txt", "vocab.json", "merges.txt", "added_tokens.json",
    ];

    /// <summary>
    /// Loads from tokenizer.json when present, else from vocab.txt (BERT WordPiece) or vocab.json + merges.txt
    /// (byte-level BPE), reading special tokens, model_max_length and casing from tokenizer_config.json.
    /// Throws <see cref="NotSupportedException"/> for pipelines other than BERT WordPiece and Qwen2 byte-level BPE.
    /// </summary>
    public static ITokenizer Load(string modelDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        if (!Directory.Exists(modelDirectory))
        {
            throw new DirectoryNotFoundException($"Model directory '{modelDirectory}' does not exist.");
        }

        var config = TokenizerConfig.Read(modelDirectory);
        if (File.Exists(Path.Combine(modelDirectory, "tokenizer.json")))
        {
            return TokenizerJsonReader.Read(Path.Combine(modelDirectory, "tokenizer.json"), config);
        }

        if (File.Exists(Path.Combine(modelDirectory, "vocab.txt")))
        {
            return VocabularyFiles.ReadWordPiece(Path.Combine(modelDirectory, "vocab.txt"), config);
        }

        if (File.Exists(Path.Combine(modelDirectory, "vocab.json")) && File.Exists(Path.Combine(modelDirectory, "merges.txt")))
        {
            return VocabularyFiles.ReadBpe(modelDirectory, config);
        }

        throw new FileNotFoundException(
            $"'{modelDirectory}' has no tokenizer.json, vocab.txt, or vocab.json with merges.txt.");
    }

    /// <summary>Role ids resolved through the vocabulary; eos comes first in the Eos list, then generation_config's.</summary>
    internal static SpecialTokenIds ResolveSpecialTokens(TokenizerConfig config, Dictionary<string, int> tokenToId,
        IEnumerable<AddedToken> addedTokens)
    {
        int? Role(string role) =>
            config.RoleTokens.TryGetValue(role, out var token) && tokenToId.TryGetValue(token, out var id) ? id : null;

        var eos = new List<int>();
        if (Role("eos_token") is { } eosId)
        {
            eos.Add(eosId);
        }

        eos.AddRange(config.GenerationEosIds.Where(id => !eos.Contains(id)));
        var all = addedTokens.Where(t => t.Special).Select(t => t.Id)
            .Concat(config.AdditionalSpecialTokens.Where(tokenToId.ContainsKey).Select(t => tokenToId[t]))
            .ToHashSet();
        return new SpecialTokenIds
        {
            Cls = Role("cls_token"),
            Sep = Role("sep_token"),
            Pad = Role("pad_token") ?? Role("eos_token"),
            Unk = Role("unk_token"),
            Mask = Role("mask_token"),
            Bos = Role("bos_token"),
            Eos = eos,
            All = all,
        };
    }

    internal static TokenizerParts Parts(Dictionary<string, int> vocabulary, IReadOnlyList<AddedToken> addedTokens,
        PostProcessorTemplate template, TokenizerConfig config)
    {
        var tokenToId = new Dictionary<string, int>(vocabulary, StringComparer.Ordinal);
        foreach (var token in addedTokens)
        {
            tokenToId[token.Content] = token.Id;
        }

        return new TokenizerParts(tokenToId, new AddedVocabulary(addedTokens), template,
            ResolveSpecialTokens(config, tokenToId, addedTokens), config.ModelMaxLength);
    }
}
