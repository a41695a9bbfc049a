using System.Text;
using Ml = Microsoft.ML.Tokenizers;

namespace RagPlatform.Tokenizers.Loading;

/// <summary>Builds the Microsoft.ML.Tokenizers models from vocabularies read out of either file layout.</summary>
internal static class PackageModels
{
    /// <summary>
    /// The WordPiece model alone: normalization, pre-tokenization and special tokens are ours (see README.md), so
    /// the package gets no normalizer and never pre-tokenizes (every call passes one word).
    /// </summary>
    public static Ml.WordPieceTokenizer WordPiece(Dictionary<string, int> vocabulary, string unknownToken,
        string continuingSubwordPrefix, int maxInputCharsPerWord)
    {
        if (!vocabulary.ContainsKey(unknownToken))
        {
            throw new InvalidDataException($"The unknown token '{unknownToken}' is not in the vocabulary.");
        }

        // The package reads a vocab.txt stream: one token a line, the line number is the id (an empty line skips one).
        var lines = new string[vocabulary.Count == 0 ? 0 : vocabulary.Values.Max() + 1];
        foreach (var (token, id) in vocabulary)
        {
            lines[id] = token.Contains('\n') || token.Contains('\r')
                ? throw new InvalidDataException($"WordPiece token {id} contains a line break.")
                : token;
        }

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        return Ml.WordPieceTokenizer.Create(stream, new Ml.WordPieceOptions
        {
            UnknownToken = unknownToken,
            ContinuingSubwordPrefix = continuingSubwordPrefix,
            MaxInputCharsPerWord = maxInputCharsPerWord,
        });
    }

    /// <summary>
    /// Byte-level BPE from a vocabulary and merges. Every added token is registered as a special token so the
    /// package's decoder writes its text; the package never splits on them (we do, before it sees the text).
    /// </summary>
    public static Ml.BpeTokenizer ByteLevelBpe(Ml.BpeOptions vocabularyAndMerges, IReadOnlyList<AddedToken> addedTokens)
    {
        vocabularyAndMerges.ByteLevel = true;
        vocabularyAndMerges.SpecialTokens = addedTokens.GroupBy(t => t.Content, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
        return Ml.BpeTokenizer.Create(vocabularyAndMerges);
    }
}
