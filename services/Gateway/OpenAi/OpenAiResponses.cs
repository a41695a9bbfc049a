using System.Text.Json.Serialization;

namespace RagPlatform.Gateway.OpenAi;

// Responses as OpenAI writes them (snake_case, explicit nulls where OpenAI writes them). Extension fields, which no
// OpenAI client needs, are left out when null: `forged` (a model with seeded random weights made this: noise),
// `role` on /models entries, `citations` on a rag: message and `rag` (how the platform's answer was made).

/// <param name="Forged">Extension: the model's weights are forged (seeded random); null for rag: models, whose answers
/// say themselves whether a forged model shaped them.</param>
/// <param name="Role">Extension: "embedder", "reranker", "generator" or "rag".</param>
internal sealed record ModelEntry(
    string Id,
    long Created,
    string OwnedBy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Forged,
    string Role)
{
    public string Object => "model";
}

internal sealed record ModelList(IReadOnlyList<ModelEntry> Data)
{
    public string Object => "list";
}

/// <param name="Embedding">The vector as floats, or their little-endian float32 bytes in base64 (encoding_format base64).</param>
internal sealed record EmbeddingItem(int Index, object Embedding)
{
    public string Object => "embedding";
}

internal sealed record EmbeddingUsage(int PromptTokens, int TotalTokens);

internal sealed record EmbeddingList(IReadOnlyList<EmbeddingItem> Data, string Model, EmbeddingUsage Usage, bool Forged)
{
    public string Object => "list";
}

internal sealed record CompletionUsage(int PromptTokens, int CompletionTokens, int TotalTokens);

/// <summary>Extension `rag` of a rag: completion: how the answer was made (see /v1/ask's fields of the same names).</summary>
internal sealed record RagDetails(
    string AnswerKind,
    bool NoAnswer,
    bool ForgedModels,
    IReadOnlyList<string> Degraded,
    IReadOnlyList<Client.SkippedStage> Skipped,
    string RequestId);

internal sealed record AssistantMessage(
    string Content,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<Client.CitationResource>? Citations)
{
    public string Role => "assistant";

    public string? Refusal => null;
}

internal sealed record ChatChoice(int Index, AssistantMessage Message, string FinishReason)
{
    public object? Logprobs => null;
}

/// <param name="SystemFingerprint">"forged-weights" when a model with forged weights wrote or shaped the text, else "ragplatform".</param>
internal sealed record ChatCompletion(
    string Id,
    long Created,
    string Model,
    string SystemFingerprint,
    IReadOnlyList<ChatChoice> Choices,
    CompletionUsage Usage,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RagDetails? Rag)
{
    public string Object => "chat.completion";
}

internal sealed record ChunkDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<Client.CitationResource>? Citations);

internal sealed record ChunkChoice(int Index, ChunkDelta Delta, string? FinishReason)
{
    public object? Logprobs => null;
}

/// <param name="Usage">Only on the last chunk, and only with stream_options.include_usage (its choices are then empty).</param>
internal sealed record ChatCompletionChunk(
    string Id,
    long Created,
    string Model,
    string SystemFingerprint,
    IReadOnlyList<ChunkChoice> Choices,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CompletionUsage? Usage,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RagDetails? Rag)
{
    public string Object => "chat.completion.chunk";
}

internal sealed record RerankDocument(string Text);

internal sealed record RerankResult(
    int Index,
    float RelevanceScore,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RerankDocument? Document);

internal sealed record RerankUsage(int TotalTokens);

/// <param name="Results">Best first; relevance scores are the cross-encoder's logits through a sigmoid, in (0, 1).</param>
internal sealed record RerankResponse(string Id, string Model, IReadOnlyList<RerankResult> Results, bool Forged);

/// <summary>OpenAI's error object: every refusal and failure on these routes, never problem+json.</summary>
internal sealed record OpenAiErrorBody(string Message, string Type, string? Param, string? Code);

internal sealed record OpenAiErrorEnvelope(OpenAiErrorBody Error);
