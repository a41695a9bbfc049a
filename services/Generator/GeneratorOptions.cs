using RagPlatform.ModelHosting;

namespace RagPlatform.Generator;

/// <summary>
/// Settings of the Generator host, bound from the "Generator" section (Generator__MaxQueuedRequests in the
/// environment) and validated at start. ModelDirectory and IntraOpThreads come from <see cref="ModelServiceOptions"/>.
/// </summary>
public sealed class GeneratorOptions : ModelServiceOptions
{
    public const string SectionName = "Generator";

    /// <summary>
    /// Decoding is one short model run per token, where a sleeping worker's wake-up is paid on every operator: the
    /// generator keeps ORT's spinning threads (bench/generator-service.sh: 0.98× in-process tokens/s with them, 0.75×
    /// without), unlike the embedder and the reranker, whose larger batched runs gain from the cores spinning would take.
    /// </summary>
    public GeneratorOptions() => AllowSpinning = true;

    /// <summary>
    /// Sequences decoding at once. Default 1: decoding is not batched across sequences, so on a 2-core machine a
    /// second sequence only time-slices the two cores the first already saturates (IntraOpThreads 2), doubling every
    /// stream's per-token latency for no gain in total tokens/s while holding a second KV cache. Queued calls wait
    /// for the slot instead. Raise it with the core count (and lower IntraOpThreads) on bigger machines.
    /// </summary>
    public int MaxConcurrentSequences { get; set; } = 1;

    /// <summary>Calls that may wait for a sequence slot; one more is refused with RESOURCE_EXHAUSTED.</summary>
    public int MaxQueuedRequests { get; set; } = 8;

    /// <summary>max_new_tokens when a request leaves it 0.</summary>
    public int DefaultMaxNewTokens { get; set; } = 256;

    /// <summary>The largest max_new_tokens a request may ask for.</summary>
    public int MaxNewTokensLimit { get; set; } = 1024;

    /// <summary>Characters of prompt or chat text (all messages together) accepted before tokenizing.</summary>
    public int MaxPromptCharacters { get; set; } = 200_000;

    /// <summary>Caps the model's context window (prompt plus output); null keeps max_position_embeddings.</summary>
    public int? ContextWindow { get; set; }

    public override IEnumerable<string> Validate(string section)
    {
        foreach (var failure in base.Validate(section))
        {
            yield return failure;
        }

        foreach (var (name, value) in new[]
        {
            (nameof(MaxConcurrentSequences), MaxConcurrentSequences),
            (nameof(DefaultMaxNewTokens), DefaultMaxNewTokens),
            (nameof(MaxNewTokensLimit), MaxNewTokensLimit),
            (nameof(MaxPromptCharacters), MaxPromptCharacters),
        })
        {
            if (value <= 0)
            {
                yield return $"{section}:{name} must be positive (was {value}).";
            }
        }

        if (MaxQueuedRequests < 0)
        {
            yield return $"{section}:MaxQueuedRequests must be 0 or positive (was {MaxQueuedRequests}).";
        }

        if (DefaultMaxNewTokens > MaxNewTokensLimit)
        {
            yield return $"{section}:DefaultMaxNewTokens ({DefaultMaxNewTokens}) must not exceed {section}:MaxNewTokensLimit ({MaxNewTokensLimit}).";
        }

        if (ContextWindow is < 2)
        {
            yield return $"{section}:ContextWindow must be at least 2 tokens when set (was {ContextWindow}).";
        }
    }
}
