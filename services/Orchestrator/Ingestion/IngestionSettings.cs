using RagPlatform.Ingestion.Chunking;
using RagPlatform.Ingestion.Parsing;
using RagPlatform.Ingestion.Pipeline;

namespace RagPlatform.Orchestrator.Ingestion;

/// <summary>Limits and pace of ingestion; section "Ingestion" (environment: Ingestion__MaxUploadBytes etc.).</summary>
public sealed class IngestionSettings
{
    public const string SectionName = "Ingestion";

    /// <summary>Largest file one upload may carry. Keep Grpc:MaxReceiveMessageSize above it.</summary>
    public long MaxUploadBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Smallest free space the data directory must keep; an upload that would go below it is refused.</summary>
    public long MinFreeDiskBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Documents processed at once.</summary>
    public int MaxConcurrency { get; set; } = 2;

    /// <summary>Budget of one document from read to indexed; past it the document fails.</summary>
    public TimeSpan DocumentTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Starts of one document version before it is given up (guards against a file that crashes the worker).</summary>
    public int MaxAttempts { get; set; } = 3;

    public int MaxChunksPerDocument { get; set; } = 5_000;

    /// <summary>Chunks per Embed call.</summary>
    public int EmbeddingBatchSize { get; set; } = 32;

    /// <summary>Tokens per chunk, in the embedder's tokenizer (special tokens excluded).</summary>
    public int TargetTokens { get; set; } = 256;

    /// <summary>Tokens repeated from the previous chunk of a section.</summary>
    public int OverlapTokens { get; set; } = 32;

    /// <summary>Characters of text one file may yield once parsed.</summary>
    public int MaxExtractedCharacters { get; set; } = 8 * 1024 * 1024;

    /// <summary>Budget of one parse (a PDF converter still running then is killed).</summary>
    public TimeSpan ParseTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public string PdfToTextPath { get; set; } = "pdftotext";

    /// <summary>How long the worker waits before retrying documents deferred because the embedder was down.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest pause between ingestion passes that keep failing (RetryDelay doubles up to it).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new (string, long)[]
        {
            (nameof(MaxUploadBytes), MaxUploadBytes), (nameof(MaxConcurrency), MaxConcurrency), (nameof(MaxAttempts), MaxAttempts),
            (nameof(MaxChunksPerDocument), MaxChunksPerDocument), (nameof(EmbeddingBatchSize), EmbeddingBatchSize),
            (nameof(MaxExtractedCharacters), MaxExtractedCharacters),
        })
        {
            if (value < 1)
            {
                yield return $"{SectionName}:{name} must be positive (was {value}).";
            }
        }

        if (MinFreeDiskBytes < 0)
        {
            yield return $"{SectionName}:MinFreeDiskBytes must not be negative (was {MinFreeDiskBytes}).";
        }

        foreach (var (name, value) in new[]
        {
            (nameof(DocumentTimeout), DocumentTimeout), (nameof(ParseTimeout), ParseTimeout), (nameof(RetryDelay), RetryDelay), (nameof(MaxRetryDelay), MaxRetryDelay),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"{SectionName}:{name} must be positive (was {value}).";
            }
        }

        if (MaxRetryDelay < RetryDelay)
        {
            yield return $"{SectionName}:MaxRetryDelay ({MaxRetryDelay}) must not be below {SectionName}:RetryDelay ({RetryDelay}).";
        }

        if (TargetTokens < 8 || OverlapTokens < 0 || OverlapTokens >= TargetTokens / 2)
        {
            yield return $"{SectionName}:TargetTokens must be at least 8 and OverlapTokens 0 to under half of it (were {TargetTokens} and {OverlapTokens}).";
        }
    }

    /// <summary>The pause after the <paramref name="failures"/>-th failed pass in a row: RetryDelay, doubled each time, capped.</summary>
    public TimeSpan RetryDelayAfter(int failures) =>
        TimeSpan.FromTicks((long)Math.Min(MaxRetryDelay.Ticks, RetryDelay.Ticks * Math.Pow(2, Math.Min(failures - 1, 30))));

    public IngestionOptions Pipeline() => new()
    {
        MaxConcurrency = MaxConcurrency,
        DocumentTimeout = DocumentTimeout,
        MaxAttempts = MaxAttempts,
        MaxChunksPerDocument = MaxChunksPerDocument,
        EmbeddingBatchSize = EmbeddingBatchSize,
    };

    public ParsingOptions Parsing() => new()
    {
        MaxFileBytes = MaxUploadBytes,
        MaxExtractedCharacters = MaxExtractedCharacters,
        ParseTimeout = ParseTimeout,
        PdfToTextPath = PdfToTextPath,
    };

    public ChunkingOptions Chunking() => new() { TargetTokens = TargetTokens, OverlapTokens = OverlapTokens };
}
