using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RagPlatform.ModelStore.NuGet;

/// <summary>
/// Writes the Hugging Face tokenizer.json of a BERT uncased WordPiece tokenizer over a vocab.txt: the pipeline
/// bert-base-uncased and every model trained on its vocabulary publish (BertNormalizer lowercasing without stripping
/// accents, BertPreTokenizer, "[CLS] $A [SEP]" / "[CLS] $A [SEP] $B [SEP]" with type ids 0/1, WordPiece with "##"
/// continuations and 100-character words). Truncation and padding are left null: the services and transformers.js
/// take the length limit from tokenizer_config.json's model_max_length.
/// </summary>
internal static class WordPieceTokenizerJson
{
    private static readonly string[] SpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    /// <summary>The tokenizer.json for the LF-separated vocabulary in <paramref name="vocabulary"/> (line n is token id n).</summary>
    /// <exception cref="ModelStoreException">A special token is missing or a token is listed twice.</exception>
    public static byte[] Write(ReadOnlySpan<byte> vocabulary, string what)
    {
        var tokens = Encoding.UTF8.GetString(vocabulary).Split('\n');
        var count = tokens.Length > 0 && tokens[^1].Length == 0 ? tokens.Length - 1 : tokens.Length;
        var ids = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (var id = 0; id < count; id++)
        {
            if (!ids.TryAdd(tokens[id], id))
            {
                throw new ModelStoreException(ModelStoreError.InvalidLayout, $"{what}: the vocabulary lists '{tokens[id]}' twice (lines {ids[tokens[id]] + 1} and {id + 1}).");
            }
        }

        if (SpecialTokens.FirstOrDefault(t => !ids.ContainsKey(t)) is { } missing)
        {
            throw new ModelStoreException(ModelStoreError.InvalidLayout, $"{what}: the vocabulary has no {missing}, which BERT's tokenizer needs.");
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("version", "1.0");
            json.WriteNull("truncation");
            json.WriteNull("padding");
            json.WriteStartArray("added_tokens");
            foreach (var token in SpecialTokens.OrderBy(t => ids[t]))
            {
                json.WriteStartObject();
                json.WriteNumber("id", ids[token]);
                json.WriteString("content", token);
                json.WriteBoolean("single_word", false);
                json.WriteBoolean("lstrip", false);
                json.WriteBoolean("rstrip", false);
                json.WriteBoolean("normalized", false);
                json.WriteBoolean("special", true);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("normalizer");
            json.WriteString("type", "BertNormalizer");
            json.WriteBoolean("clean_text", true);
            json.WriteBoolean("handle_chinese_chars", true);
            json.WriteNull("strip_accents");
            json.WriteBoolean("lowercase", true);
            json.WriteEndObject();
            json.WriteStartObject("pre_tokenizer");
            json.WriteString("type", "BertPreTokenizer");
            json.WriteEndObject();
            WritePostProcessor(json, ids);
            json.WriteStartObject("decoder");
            json.WriteString("type", "WordPiece");
            json.WriteString("prefix", "##");
            json.WriteBoolean("cleanup", true);
            json.WriteEndObject();
            json.WriteStartObject("model");
            json.WriteString("type", "WordPiece");
            json.WriteString("unk_token", "[UNK]");
            json.WriteString("continuing_subword_prefix", "##");
            json.WriteNumber("max_input_chars_per_word", 100);
            json.WriteStartObject("vocab");
            for (var id = 0; id < count; id++)
            {
                json.WriteNumber(tokens[id], id);
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WritePostProcessor(Utf8JsonWriter json, Dictionary<string, int> ids)
    {
        json.WriteStartObject("post_processor");
        json.WriteString("type", "TemplateProcessing");
        json.WriteStartArray("single");
        Piece(json, "SpecialToken", "[CLS]", 0);
        Piece(json, "Sequence", "A", 0);
        Piece(json, "SpecialToken", "[SEP]", 0);
        json.WriteEndArray();
        json.WriteStartArray("pair");
        Piece(json, "SpecialToken", "[CLS]", 0);
        Piece(json, "Sequence", "A", 0);
        Piece(json, "SpecialToken", "[SEP]", 0);
        Piece(json, "Sequence", "B", 1);
        Piece(json, "SpecialToken", "[SEP]", 1);
        json.WriteEndArray();
        json.WriteStartObject("special_tokens");
        foreach (var token in new[] { "[CLS]", "[SEP]" })
        {
            json.WriteStartObject(token);
            json.WriteString("id", token);
            json.WriteStartArray("ids");
            json.WriteNumberValue(ids[token]);
            json.WriteEndArray();
            json.WriteStartArray("tokens");
            json.WriteStringValue(token);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Piece(Utf8JsonWriter json, string kind, string id, int typeId)
    {
        json.WriteStartObject();
        json.WriteStartObject(kind);
        json.WriteString("id", id);
        json.WriteNumber("type_id", typeId);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
