using System.Diagnostics;
using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Orchestrator.Ingestion;

namespace RagPlatform.Orchestrator.Answering;

/// <summary>A validated question: what to search, how much, and by when.</summary>
internal sealed record AskPlan(
    string Collection,
    string Question,
    RetrievalMode Mode,
    int TopK,
    int TopN,
    int MaxNewTokens,
    SamplingParameters? Sampling,
    IReadOnlyList<string> DocumentIds,
    bool SkipRerank,
    AnswerKind Answer,
    DateTime Deadline)
{
    public const int MaxDocumentFilter = 100;

    /// <summary>Checks a request against the limits; every refusal is INVALID_ARGUMENT naming the field.</summary>
    public static AskPlan From(AskRequest request, AnsweringOptions options, DateTime deadline)
    {
        var (question, mode) = Query(request.Collection, request.Question, "question", request.Mode, request.DocumentIds, options);
        if (!Enum.IsDefined(request.Answer))
        {
            throw Invalid($"answer {(int)request.Answer} is not an AnswerKind (UNSPECIFIED for auto, GENERATIVE or EXTRACTIVE).");
        }

        var topK = Bounded(request.TopK, options.DefaultTopK, options.MaxTopK, "top_k");
        var topN = Bounded(request.TopN, options.DefaultTopN, options.MaxTopN, "top_n");
        if (request.MaxNewTokens < 0)
        {
            throw Invalid($"max_new_tokens must be 0 (the default) or positive (was {request.MaxNewTokens}).");
        }

        return new AskPlan(request.Collection, question, mode, topK, Math.Min(topN, topK),
            request.MaxNewTokens == 0 ? options.DefaultMaxNewTokens : request.MaxNewTokens,
            request.Sampling, [.. request.DocumentIds], request.SkipRerank, request.Answer, deadline);
    }

    /// <summary>
    /// A search is an ask that stops after reranking: k passages kept (TopN), from at least DefaultTopK candidates when
    /// reranked, so the reranker has something to choose from. Refusals as for an ask.
    /// </summary>
    public static AskPlan From(SearchPassagesRequest request, AnsweringOptions options, DateTime deadline)
    {
        var (query, mode) = Query(request.Collection, request.Query, "query", request.Mode, request.DocumentIds, options);
        var k = Bounded(request.K, options.DefaultTopN, options.MaxTopK, "k");
        var candidates = request.SkipRerank ? k : Math.Max(k, Math.Min(options.DefaultTopK, options.MaxTopK));
        return new AskPlan(request.Collection, query, mode, candidates, k, 0, null, [.. request.DocumentIds], request.SkipRerank,
            AnswerKind.Unspecified, deadline);
    }

    /// <summary>What an ask and a search share: the collection, the query's length, the mode and the document filter.</summary>
    private static (string Query, RetrievalMode Mode) Query(string collection, string text, string field, RetrievalMode mode,
        IReadOnlyCollection<string> documentIds, AnsweringOptions options)
    {
        DocumentNames.Collection(collection);
        var query = text.Trim();
        if (query.Length == 0)
        {
            throw Invalid($"{field} is empty.");
        }

        if (query.Length > options.MaxQuestionCharacters)
        {
            throw Invalid($"{field} has {query.Length} characters; at most {options.MaxQuestionCharacters} are accepted.");
        }

        if (!Enum.IsDefined(mode))
        {
            throw Invalid($"mode {(int)mode} is not a RetrievalMode (HYBRID, DENSE or LEXICAL).");
        }

        if (documentIds.Count > MaxDocumentFilter)
        {
            throw Invalid($"document_ids holds {documentIds.Count} ids; at most {MaxDocumentFilter} are accepted.");
        }

        foreach (var id in documentIds)
        {
            DocumentNames.DocumentId(id, "document_ids");
        }

        return (query, mode == RetrievalMode.Unspecified ? RetrievalMode.Hybrid : mode);
    }

    private static int Bounded(int value, int fallback, int max, string field) =>
        value == 0 ? fallback
            : value >= 1 && value <= max ? value
            : throw Invalid($"{field} must be 1 to {max}, or 0 for the default of {fallback} (was {value}).");

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}

/// <summary>
/// What happened while answering one question: stages degraded (their service failed) or skipped (on purpose, with
/// the reason), the model services whose output shaped the answer, and where the time went.
/// </summary>
internal sealed class AnswerTrace
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly List<string> _degraded = [];
    private readonly List<SkippedStage> _skipped = [];
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Degraded => _degraded;

    public IReadOnlyList<SkippedStage> Skipped => _skipped;

    /// <summary>Names of the model services (DownstreamService.Name) whose output went into the answer.</summary>
    public IReadOnlyCollection<string> Used => _used;

    public double RetrieveMs { get; set; }

    public double RerankMs { get; set; }

    public double GenerateMs { get; set; }

    public double? FirstTokenMs { get; private set; }

    public double ElapsedMs => Stopwatch.GetElapsedTime(_started).TotalMilliseconds;

    public void Degrade(string stage) => _degraded.Add(stage);

    public void Skip(string stage, string reason) => _skipped.Add(new SkippedStage { Stage = stage, Reason = reason });

    public void Use(string service) => _used.Add(service);

    public void FirstToken() => FirstTokenMs ??= ElapsedMs;
}
