using System.Text.Json.Serialization;

namespace RagPlatform.Client;

/// <summary>
/// The body of POST /v1/ask. Only the collection and the question are needed; every other field left null takes the
/// gateway's default (RagPlatformClient leaves nulls out of the request). New optional fields go here as nullable
/// init properties, so existing callers keep compiling.
/// </summary>
public sealed record AskRequest(string Collection, string Question)
{
    /// <summary>hybrid (default), dense or lexical; <see cref="RetrievalModes"/>.</summary>
    public string? Mode { get; init; }

    /// <summary>Candidates retrieved (default 20).</summary>
    public int? TopK { get; init; }

    /// <summary>Passages kept after reranking and given to the generator (default 5).</summary>
    public int? TopN { get; init; }

    public int? MaxTokens { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public ulong? Seed { get; init; }

    /// <summary>Retrieve only from these documents.</summary>
    public IReadOnlyList<string>? DocumentIds { get; init; }

    /// <summary>False skips the reranker.</summary>
    public bool? Rerank { get; init; }

    /// <summary>Budget of the whole answer; default and limit are the gateway's.</summary>
    public double? TimeoutSeconds { get; init; }

    /// <summary>How the answer is made, <see cref="AnswerKinds"/>: null or auto lets the server choose (generative unless its generator is forged).</summary>
    public string? Answer { get; init; }
}

public static class AnswerKinds
{
    public const string Auto = "auto";

    /// <summary>Written by the generator from the passages, citing them.</summary>
    public const string Generative = "generative";

    /// <summary>The passages' own sentences, quoted verbatim, each followed by its citation; no generator involved.</summary>
    public const string Extractive = "extractive";
}

/// <summary>A stage the platform left out on purpose (a forged model's), and why.</summary>
public sealed record SkippedStage(string Stage, string Reason);

public static class RetrievalModes
{
    public const string Hybrid = "hybrid";

    public const string Dense = "dense";

    public const string Lexical = "lexical";
}

/// <summary>A passage the answer was given, numbered as the answer cites it.</summary>
/// <param name="N">The number the answer cites the passage by, [n].</param>
/// <param name="Section">The section path joined with " &gt; ".</param>
/// <param name="Start">Offset of the passage in the document's extracted text; <paramref name="End"/> is past its end.</param>
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
    bool Referenced);

public sealed record AnswerUsage(int PromptTokens, int CompletionTokens, int RetrievedPassages, int PromptPassages);

public sealed record AnswerTimings(double RetrieveMs, double RerankMs, double GenerateMs, double FirstTokenMs, double TotalMs);

public static class FinishReasons
{
    public const string Stop = "stop";

    /// <summary>The answer reached its token limit.</summary>
    public const string Length = "length";
}

/// <summary>
/// How an answer ended: what the streamed <see cref="AnswerDone"/> event carries and the JSON <see cref="AnswerResource"/>
/// ends with. A field added here is in both, and copied from one to the other by <see cref="AnswerResource(AnswerSummary)"/>.
/// Not sealed for that reason alone.
/// </summary>
public abstract record AnswerSummary
{
    /// <summary>Stages that were unavailable and skipped ("rerank", "embed"): the answer may be worse than usual.</summary>
    public IReadOnlyList<string> Degraded { get; init; } = [];

    /// <summary>Nothing relevant was found, so nothing was generated.</summary>
    public bool NoAnswer { get; init; }

    /// <summary>A model with forged (seeded random) weights shaped the answer: it is noise.</summary>
    public bool ForgedModels { get; init; }

    /// <summary><see cref="FinishReasons"/>.</summary>
    public string FinishReason { get; init; } = FinishReasons.Stop;

    public AnswerUsage Usage { get; init; } = new(0, 0, 0, 0);

    public AnswerTimings Timings { get; init; } = new(0, 0, 0, 0, 0);

    /// <summary>The gateway's id of the request (its X-Request-Id), in its logs.</summary>
    public string RequestId { get; init; } = "";

    // The two fields below came later: a gateway that predates them leaves them out, and the source-generated reader
    // then sets init-only properties to null rather than leaving their initial values, hence the null checks.

    /// <summary>How the answer was made: <see cref="AnswerKinds.Generative"/> or <see cref="AnswerKinds.Extractive"/>.</summary>
    public string AnswerKind { get; init => field = value ?? AnswerKinds.Generative; } = AnswerKinds.Generative;

    /// <summary>Stages left out on purpose (unlike <see cref="Degraded"/>, nothing failed): a forged reranker or generator.</summary>
    public IReadOnlyList<SkippedStage> Skipped { get; init => field = value ?? []; } = [];
}

/// <summary>The whole answer, as POST /v1/ask returns it without <c>Accept: text/event-stream</c>.</summary>
public sealed record AnswerResource : AnswerSummary
{
    public AnswerResource()
    {
    }

    /// <summary>An answer ending as <paramref name="end"/> says (every field of the summary copied).</summary>
    public AnswerResource(AnswerSummary end)
        : base(end)
    {
    }

    [JsonPropertyOrder(-1)]
    public string Answer { get; init; } = "";

    /// <summary>The passages given to the generator, in prompt order.</summary>
    [JsonPropertyOrder(-1)]
    public IReadOnlyList<CitationResource> Citations { get; init; } = [];
}

/// <summary>
/// One event of a streamed answer, in order: <see cref="AnswerToken"/>s as the text is generated, one
/// <see cref="AnswerCitations"/>, then <see cref="AnswerDone"/>. A failure after the first event is an
/// <see cref="AnswerError"/> ending the stream (RagPlatformClient throws it as a <see cref="RagPlatformException"/>).
/// </summary>
public interface IAnswerEvent
{
}

/// <summary>The <c>token</c> event: the next piece of the answer's text.</summary>
public sealed record AnswerToken(string Text) : IAnswerEvent;

/// <summary>The <c>citations</c> event; its data is the JSON array.</summary>
public sealed record AnswerCitations(IReadOnlyList<CitationResource> Citations) : IAnswerEvent;

/// <summary>The <c>done</c> event: the answer is complete.</summary>
public sealed record AnswerDone : AnswerSummary, IAnswerEvent;

/// <summary>The <c>error</c> event: the answer failed part-way; its data is the problem.</summary>
public sealed record AnswerError(ApiProblem Problem) : IAnswerEvent;
