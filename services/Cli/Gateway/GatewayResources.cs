namespace RagPlatform.Cli.Gateway;

// The gateway's JSON resources as the CLI reads them (services/Gateway/Apis/ApiModels.cs is the authority). Fields the
// CLI does not use are left out; the deserializer ignores them.

internal sealed record CollectionResource(string Name, int Dimensions, long ChunkCount, int DocumentCount);

/// <param name="State">queued, indexing, indexed or failed.</param>
internal sealed record DocumentResource(string Collection, string DocumentId, string State, string? Error, int ChunkCount, long SizeBytes, int Attempts)
{
    public bool IsFinished => State is "indexed" or "failed";
}

internal sealed record DocumentList(IReadOnlyList<DocumentResource> Documents, string? NextPageToken);

internal sealed record UploadResult(IReadOnlyList<DocumentResource> Documents);

/// <summary>The body of POST /v1/ask; nulls are left out so the gateway's defaults apply.</summary>
internal sealed record AskRequest(
    string Collection,
    string Question,
    string? Mode = null,
    int? TopK = null,
    int? TopN = null,
    int? MaxTokens = null,
    double? TimeoutSeconds = null,
    string? Answer = null);

/// <param name="N">The number the answer cites the passage by, [n]; the passage's rank among those given to the generator.</param>
/// <param name="Referenced">True when the answer text cites it.</param>
internal sealed record CitationResource(int N, string DocumentId, string Section, int Start, int End, string Text, float Score, string? Title, bool Referenced);

internal sealed record AnswerUsage(int PromptTokens, int CompletionTokens, int RetrievedPassages, int PromptPassages);

internal sealed record AnswerTimings(double RetrieveMs, double RerankMs, double GenerateMs, double FirstTokenMs, double TotalMs);

/// <summary>A stage the platform left out on purpose (a forged model's), and why.</summary>
internal sealed record SkippedStage(string Stage, string Reason);

/// <summary>The `done` event of a streamed answer.</summary>
/// <param name="AnswerKind">generative or extractive; null from a gateway older than the field.</param>
internal sealed record AnswerDone(
    IReadOnlyList<string> Degraded,
    bool NoAnswer,
    bool ForgedModels,
    string FinishReason,
    AnswerUsage Usage,
    AnswerTimings Timings,
    string RequestId,
    string? AnswerKind = null,
    IReadOnlyList<SkippedStage>? Skipped = null);

/// <summary>The JSON (non-streamed) answer.</summary>
internal sealed record AnswerResource(
    string Answer,
    IReadOnlyList<CitationResource> Citations,
    IReadOnlyList<string> Degraded,
    bool NoAnswer,
    bool ForgedModels,
    string FinishReason,
    AnswerUsage Usage,
    AnswerTimings Timings,
    string RequestId,
    string? AnswerKind = null,
    IReadOnlyList<SkippedStage>? Skipped = null);

internal sealed record TokenEvent(string Text);

internal sealed record ModelServiceResource(string Role, bool Reachable, string? ModelId, bool? Forged, string? Architecture, string? Error);

internal sealed record ModelsResource(IReadOnlyList<ModelServiceResource> Services, bool AnyForged);

/// <summary>RFC 9457 problem details, as the gateway writes every error.</summary>
internal sealed record ProblemResource(int? Status, string? Title, string? Detail, string? RequestId);
