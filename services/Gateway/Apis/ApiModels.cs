using RagPlatform.Contracts.V1;

namespace RagPlatform.Gateway.Apis;

public sealed record CollectionResource(string Name, int Dimensions, long ChunkCount, int DocumentCount)
{
    public static CollectionResource From(Collection c) => new(c.Name, c.Dimensions, c.ChunkCount, c.DocumentCount);
}

public sealed record CreateCollectionBody(string? Name);

public sealed record CollectionList(IReadOnlyList<CollectionResource> Collections);

/// <param name="State">queued, indexing, indexed or failed.</param>
public sealed record DocumentResource(
    string Collection,
    string DocumentId,
    string State,
    string? Error,
    int ChunkCount,
    string? ContentHash,
    long SizeBytes,
    int Attempts,
    DateTimeOffset QueuedAt,
    DateTimeOffset? IndexedAt,
    DateTimeOffset UpdatedAt)
{
    public static DocumentResource From(Document d) => new(d.Collection, d.DocumentId,
        d.State switch
        {
            Contracts.V1.DocumentState.Queued => "queued",
            Contracts.V1.DocumentState.Indexing => "indexing",
            Contracts.V1.DocumentState.Indexed => "indexed",
            _ => "failed",
        },
        d.Error.Length > 0 ? d.Error : null, d.ChunkCount, d.ContentHash.Length > 0 ? d.ContentHash : null, d.SizeBytes, d.Attempts,
        d.QueuedAt.ToDateTimeOffset(), d.IndexedAt?.ToDateTimeOffset(), d.UpdatedAt.ToDateTimeOffset());
}

public sealed record DocumentList(IReadOnlyList<DocumentResource> Documents, string? NextPageToken);

public sealed record UploadResult(IReadOnlyList<DocumentResource> Documents);

/// <param name="Mode">hybrid (default), dense or lexical.</param>
/// <param name="TopK">Candidates retrieved (default 20).</param>
/// <param name="TopN">Passages kept after reranking and given to the generator (default 5).</param>
/// <param name="Rerank">False skips the reranker.</param>
/// <param name="TimeoutSeconds">Budget of the whole answer; default and limit are the gateway's.</param>
/// <param name="Answer">generative, extractive (the passages' own sentences, quoted) or auto (default: generative unless the generator is forged).</param>
public sealed record AskBody(
    string? Collection,
    string? Question,
    string? Mode = null,
    int? TopK = null,
    int? TopN = null,
    int? MaxTokens = null,
    float? Temperature = null,
    float? TopP = null,
    ulong? Seed = null,
    IReadOnlyList<string>? DocumentIds = null,
    bool? Rerank = null,
    double? TimeoutSeconds = null,
    string? Answer = null);

/// <param name="N">The number the answer cites the passage by, [n].</param>
/// <param name="Section">The section path joined with " > ".</param>
/// <param name="Referenced">True when the answer text cites it.</param>
public sealed record CitationResource(
    int N,
    string DocumentId,
    string Section,
    IReadOnlyList<string> SectionPath,
    int Start,
    int End,
    string Text,
    float Score,
    string? Title,
    string ChunkId,
    bool Referenced)
{
    public static CitationResource From(Citation c)
    {
        var p = c.Passage;
        return new(p.N, p.DocumentId, string.Join(" > ", p.Section), [.. p.Section], p.Start, p.End, p.Text, p.Score,
            p.Title.Length > 0 ? p.Title : null, p.ChunkId, c.Referenced);
    }
}

public sealed record AnswerUsageResource(int PromptTokens, int CompletionTokens, int RetrievedPassages, int PromptPassages);

public sealed record AnswerTimingsResource(double RetrieveMs, double RerankMs, double GenerateMs, double FirstTokenMs, double TotalMs);

/// <summary>A stage left out on purpose (a forged model's), with the reason.</summary>
public sealed record SkippedStageResource(string Stage, string Reason);

/// <summary>The end of an answer: the `done` event, and the tail of the JSON answer.</summary>
/// <param name="AnswerKind">generative or extractive.</param>
/// <param name="Skipped">Stages left out on purpose (unlike <paramref name="Degraded"/>, nothing failed).</param>
public sealed record AnswerDoneResource(
    IReadOnlyList<string> Degraded,
    bool NoAnswer,
    bool ForgedModels,
    string FinishReason,
    AnswerUsageResource Usage,
    AnswerTimingsResource Timings,
    string RequestId,
    string AnswerKind,
    IReadOnlyList<SkippedStageResource> Skipped)
{
    public static AnswerDoneResource From(AnswerDone d, string requestId) => new([.. d.Degraded], d.NoAnswer, d.ForgedModels,
        d.FinishReason == Contracts.V1.FinishReason.Length ? "length" : "stop",
        new(d.Usage.PromptTokens, d.Usage.CompletionTokens, d.Usage.RetrievedPassages, d.Usage.PromptPassages),
        new(d.Timings.RetrieveMs, d.Timings.RerankMs, d.Timings.GenerateMs, d.Timings.FirstTokenMs, d.Timings.TotalMs), requestId,
        d.AnswerKind == Contracts.V1.AnswerKind.Extractive ? "extractive" : "generative", [.. d.Skipped.Select(s => new SkippedStageResource(s.Stage, s.Reason))]);
}

public sealed record AnswerResource(
    string Answer,
    IReadOnlyList<CitationResource> Citations,
    IReadOnlyList<string> Degraded,
    bool NoAnswer,
    bool ForgedModels,
    string FinishReason,
    AnswerUsageResource Usage,
    AnswerTimingsResource Timings,
    string RequestId,
    string AnswerKind,
    IReadOnlyList<SkippedStageResource> Skipped);

public sealed record TokenEvent(string Text);

public sealed record KeyResource(string Id, string Name, IReadOnlyList<string> Collections, bool Admin, DateTimeOffset CreatedAt)
{
    public static KeyResource From(Auth.ApiKey k) => new(k.Id, k.Name, k.Collections, k.Admin, k.CreatedAt);
}

public sealed record CreateKeyBody(string? Name, IReadOnlyList<string>? Collections, bool? Admin);

/// <param name="Key">The secret, shown this once: only its hash is stored.</param>
public sealed record CreatedKey(string Key, KeyResource Details);

public sealed record KeyList(IReadOnlyList<KeyResource> Keys);

public sealed record ModelServiceResource(string Role, bool Reachable, string? ModelId, bool? Forged, string? Architecture, int? MaxTokens, int? Dimensions, string? Error);

public sealed record ModelsResource(IReadOnlyList<ModelServiceResource> Services, bool AnyForged);
