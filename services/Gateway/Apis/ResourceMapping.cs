using RagPlatform.Client;
using Rpc = RagPlatform.Contracts.V1;

namespace RagPlatform.Gateway.Apis;

/// <summary>The orchestrator's messages as the HTTP API's records (RagPlatform.Client, shared with every client).</summary>
internal static class ResourceMapping
{
    public static CollectionResource ToResource(this Rpc.Collection c) => new(c.Name, c.Dimensions, c.ChunkCount, c.DocumentCount);

    public static DocumentResource ToResource(this Rpc.Document d) => new(d.Collection, d.DocumentId,
        d.State switch
        {
            Rpc.DocumentState.Queued => DocumentStates.Queued,
            Rpc.DocumentState.Indexing => DocumentStates.Indexing,
            Rpc.DocumentState.Indexed => DocumentStates.Indexed,
            _ => DocumentStates.Failed,
        },
        d.Error.Length > 0 ? d.Error : null, d.ChunkCount, d.ContentHash.Length > 0 ? d.ContentHash : null, d.SizeBytes, d.Attempts,
        d.QueuedAt.ToDateTimeOffset(), d.IndexedAt?.ToDateTimeOffset(), d.UpdatedAt.ToDateTimeOffset());

    public static CitationResource ToResource(this Rpc.Citation c)
    {
        var p = c.Passage;
        return new(p.N, p.DocumentId, string.Join(" > ", p.Section), [.. p.Section], p.Start, p.End, p.Text, p.Score,
            p.Title.Length > 0 ? p.Title : null, p.ChunkId, c.Referenced);
    }

    public static PassageResource ToResource(this Rpc.Passage p) =>
        new(p.N, p.DocumentId, string.Join(" > ", p.Section), [.. p.Section], p.Start, p.End, p.Text, p.Score, p.Title.Length > 0 ? p.Title : null, p.ChunkId);

    public static SearchResult ToResource(this Rpc.SearchPassagesResponse r) => new([.. r.Passages.Select(ToResource)], [.. r.Degraded],
        [.. r.Skipped.Select(s => new SkippedStage(s.Stage, s.Reason))], r.ForgedModels);

    public static AnswerDone ToResource(this Rpc.AnswerDone d, string requestId) => new()
    {
        Degraded = [.. d.Degraded],
        NoAnswer = d.NoAnswer,
        ForgedModels = d.ForgedModels,
        FinishReason = d.FinishReason == Rpc.FinishReason.Length ? FinishReasons.Length : FinishReasons.Stop,
        Usage = new(d.Usage.PromptTokens, d.Usage.CompletionTokens, d.Usage.RetrievedPassages, d.Usage.PromptPassages),
        Timings = new(d.Timings.RetrieveMs, d.Timings.RerankMs, d.Timings.GenerateMs, d.Timings.FirstTokenMs, d.Timings.TotalMs),
        RequestId = requestId,
        AnswerKind = d.AnswerKind == Rpc.AnswerKind.Extractive ? AnswerKinds.Extractive : AnswerKinds.Generative,
        Skipped = [.. d.Skipped.Select(s => new SkippedStage(s.Stage, s.Reason))],
    };

    public static ModelServiceResource ToResource(this Rpc.ModelService s) => s.Reachable
        ? new(s.Role, true, s.Model.ModelId, s.Model.Forged, s.Model.Architecture, s.Model.MaxTokens, s.Model.Dimensions, null)
        : new(s.Role, false, null, null, null, null, null, s.Error);

    public static KeyResource ToResource(this Auth.ApiKey k) => new(k.Id, k.Name, k.Collections, k.Admin, k.CreatedAt);
}
