using RagPlatform.ModelHosting;

namespace RagPlatform.Reranker;

/// <summary>Settings of the reranker service, section "Reranker" (environment: Reranker__MaxPassages etc.).</summary>
public sealed class RerankerOptions : ModelServiceOptions
{
    public const string SectionName = "Reranker";

    /// <summary>Most (query, passage) pairs in one model run; a call with more runs several.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Calls scored at once; the rest wait their turn. 1 suits a 2-core machine.</summary>
    public int MaxConcurrentRequests { get; set; } = 1;

    /// <summary>Passages one call may send; more → RESOURCE_EXHAUSTED.</summary>
    public int MaxPassages { get; set; } = 1_000;

    /// <summary>Characters the query or one passage may have; more → INVALID_ARGUMENT.</summary>
    public int MaxCharactersPerText { get; set; } = 100_000;

    public override IEnumerable<string> Validate(string section)
    {
        foreach (var failure in base.Validate(section))
        {
            yield return failure;
        }

        if (MaxBatchSize is < 1 or > 4096)
        {
            yield return $"{section}:MaxBatchSize must be 1 to 4096 (was {MaxBatchSize}).";
        }

        if (MaxConcurrentRequests is < 1 or > 64)
        {
            yield return $"{section}:MaxConcurrentRequests must be 1 to 64 (was {MaxConcurrentRequests}).";
        }

        if (MaxPassages < 1)
        {
            yield return $"{section}:MaxPassages must be positive (was {MaxPassages}).";
        }

        if (MaxCharactersPerText < 1)
        {
            yield return $"{section}:MaxCharactersPerText must be positive (was {MaxCharactersPerText}).";
        }
    }
}
