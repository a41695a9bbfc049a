namespace RagPlatform.Tokenizers;

/// <summary>
/// A Hugging Face-exact tokenizer. Implementations are immutable and thread-safe; load one with
/// <see cref="TokenizerLoader"/> and share it.
/// </summary>
public interface ITokenizer
{
    /// <summary>Number of distinct token ids (model vocabulary plus added tokens).</summary>
    int VocabularySize { get; }

    /// <summary>tokenizer_config.json's model_max_length (int.MaxValue when absent).</summary>
    int ModelMaxLength { get; }

    SpecialTokenIds SpecialTokens { get; }

    /// <summary>Encodes one text; with <paramref name="maxLength"/> the ids are cut from the end to fit, special tokens included.</summary>
    TokenEncoding Encode(string text, bool addSpecialTokens = true, int? maxLength = null);

    /// <summary>Encodes a pair (e.g. query and passage for a cross-encoder) as [CLS] A [SEP] B [SEP] with type ids 0/1.</summary>
    TokenEncoding EncodePair(string first, string second, TruncationStrategy truncation = TruncationStrategy.LongestFirst,
        int? maxLength = null, bool addSpecialTokens = true);

    /// <summary>Turns ids back into text; unknown ids are skipped.</summary>
    string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false);

    /// <summary>An incremental decoder for generated ids (byte-level BPE only).</summary>
    IStreamingDecoder CreateStreamingDecoder(bool skipSpecialTokens = false);

    int? TokenToId(string token);

    string? IdToToken(int id);
}

/// <summary>
/// Turns a stream of generated ids into text as it arrives. The concatenation of everything returned equals
/// <see cref="ITokenizer.Decode"/> of all ids; bytes of a character split across tokens are held back until the
/// character is complete. One instance per stream; not thread-safe.
/// </summary>
public interface IStreamingDecoder
{
    /// <summary>Adds one id; returns the text that became complete (often empty).</summary>
    string Append(int id);

    /// <summary>Ends the stream: returns anything held back (an incomplete character decodes to U+FFFD, as Decode does).</summary>
    string Flush();
}
