using System.Text.Json;
using System.Text.Json.Serialization;

namespace RagPlatform.Gateway.OpenAi;

/// <summary>POST /openai/v1/embeddings. <see cref="Input"/> is a string or an array of strings (token arrays are refused).</summary>
/// <param name="InputType">Extension: "query" or "passage" (the default), for asymmetric embedders that prefix queries.</param>
internal sealed record EmbeddingsRequest(
    string? Model,
    [property: JsonConverter(typeof(TextsConverter))] IReadOnlyList<string>? Input,
    string? EncodingFormat,
    int? Dimensions,
    string? User,
    string? InputType);

/// <summary>
/// POST /openai/v1/chat/completions. Fields a client may send but the platform cannot honour (n &gt; 1, tools, penalties,
/// logprobs, a JSON response format) are read so that setting them is refused with a clear error, not ignored.
/// </summary>
internal sealed record ChatCompletionRequest(
    string? Model,
    IReadOnlyList<ChatMessageRequest>? Messages,
    int? MaxTokens,
    int? MaxCompletionTokens,
    float? Temperature,
    float? TopP,
    long? Seed,
    [property: JsonConverter(typeof(TextsConverter))] IReadOnlyList<string>? Stop,
    bool? Stream,
    StreamOptions? StreamOptions,
    int? N,
    string? User,
    JsonElement? Tools,
    JsonElement? ToolChoice,
    JsonElement? ParallelToolCalls,
    JsonElement? ResponseFormat,
    float? FrequencyPenalty,
    float? PresencePenalty,
    bool? Logprobs,
    int? TopLogprobs,
    JsonElement? LogitBias,
    bool? Store,
    JsonElement? Metadata,
    string? ServiceTier);

/// <param name="Content">A string, or an array of content parts of which only "text" parts are accepted.</param>
internal sealed record ChatMessageRequest(
    string? Role,
    [property: JsonConverter(typeof(ContentConverter))] string? Content,
    string? Name,
    JsonElement? ToolCalls,
    string? ToolCallId,
    string? Refusal);

internal sealed record StreamOptions(bool? IncludeUsage);

/// <summary>
/// POST /openai/v1/rerank, the shape Cohere and Jina clients send (and TEI's rerank clients through them): documents are
/// strings or objects with a "text" field.
/// </summary>
internal sealed record RerankRequest(
    string? Model,
    string? Query,
    [property: JsonConverter(typeof(DocumentsConverter))] IReadOnlyList<string>? Documents,
    int? TopN,
    bool? ReturnDocuments);

/// <summary>A string, or an array of strings (embeddings' input, chat's stop). Anything else is a JSON error naming the field.</summary>
internal sealed class TextsConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return [reader.GetString()!];
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected a string or an array of strings.");
        }

        var texts = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            texts.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("Expected an array of strings (token arrays are not accepted)."));
        }

        return texts;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Request fields are only read.");
}

/// <summary>A message's content: a string, null, or an array of parts whose text parts are joined (other parts refused).</summary>
internal sealed class ContentConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartArray:
                var text = new System.Text.StringBuilder();
                using (var parts = JsonDocument.ParseValue(ref reader))
                {
                    foreach (var part in parts.RootElement.EnumerateArray())
                    {
                        if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                            || type.GetRawText() != "\"text\"" || !part.TryGetProperty("text", out var value) || value.ValueKind != JsonValueKind.String)
                        {
                            throw new JsonException("Only text content parts ({\"type\":\"text\",\"text\":...}) are accepted.");
                        }

                        text.Append(Strings.Of(value));
                    }
                }

                return text.ToString();
            default:
                throw new JsonException("Expected a string or an array of text parts.");
        }
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Request fields are only read.");
}

/// <summary>Rerank documents: strings, or objects with a string "text" (Cohere's structured documents).</summary>
internal sealed class DocumentsConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected an array of documents.");
        }

        var documents = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                documents.Add(reader.GetString()!);
                continue;
            }

            using var document = reader.TokenType == JsonTokenType.StartObject ? JsonDocument.ParseValue(ref reader) : throw new JsonException("Expected a string or {\"text\": ...}.");
            documents.Add(document.RootElement.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                ? Strings.Of(text)
                : throw new JsonException("A document object needs a string \"text\"."));
        }

        return documents;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Request fields are only read.");
}

internal static class Strings
{
    /// <summary>A JSON string's value; one that cannot be transcoded (a lone surrogate) is a JSON error, not a crash.</summary>
    public static string Of(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException("The string is not valid UTF-16.", ex);
        }
    }
}
