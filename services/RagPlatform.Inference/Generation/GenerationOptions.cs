using RagPlatform.Inference.Models;

namespace RagPlatform.Inference.Generation;

/// <summary>
/// How one generation samples and when it stops. The defaults are explicit (greedy, no repetition penalty) rather
/// than taken from generation_config.json; use <see cref="FromModelDefaults"/> to start from the model's own.
/// Field names in errors are the wire names (temperature, top_p, ...).
/// </summary>
public sealed record GenerationOptions
{
    public const int MaxStopStrings = 16;

    /// <summary>Tokens to generate at most (the stop token included); the context window may end generation sooner.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>0 is greedy decoding (argmax, no randomness); otherwise logits are divided by it before sampling. At most 2.</summary>
    public float Temperature { get; init; }

    /// <summary>Sample only among the k most likely tokens; 0 disables.</summary>
    public int TopK { get; init; }

    /// <summary>Sample only among the most likely tokens whose probabilities sum to at least this (nucleus); 1 disables.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>CTRL-style penalty on every token already in the prompt or the output (as Hugging Face applies it); 1 disables.</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>Makes sampling reproducible; null draws a fresh seed.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Text that ends generation when the output contains it; it is never emitted, nor is anything after it.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Leave special tokens (e.g. &lt;|im_start|&gt;) out of the text; their ids are still reported.</summary>
    public bool SkipSpecialTokens { get; init; } = true;

    /// <summary>The model's shipped sampling settings (generation_config.json), falling back to these defaults.</summary>
    public static GenerationOptions FromModelDefaults(GenerationDefaults? defaults)
    {
        var options = new GenerationOptions();
        if (defaults is null)
        {
            return options;
        }

        return options with
        {
            Temperature = defaults.DoSample ? defaults.Temperature ?? 1f : 0f,
            TopK = defaults.DoSample ? defaults.TopK ?? 0 : 0,
            TopP = defaults.DoSample ? defaults.TopP ?? 1f : 1f,
            RepetitionPenalty = defaults.RepetitionPenalty ?? 1f,
        };
    }

    /// <summary>Throws <see cref="ArgumentException"/> whose ParamName is the offending field's wire name.</summary>
    public void Validate()
    {
        if (MaxNewTokens <= 0)
        {
            throw new ArgumentOutOfRangeException("max_new_tokens", MaxNewTokens, "max_new_tokens must be positive.");
        }

        if (float.IsNaN(Temperature) || Temperature < 0 || Temperature > 2)
        {
            throw new ArgumentOutOfRangeException("temperature", Temperature, "temperature must be between 0 (greedy) and 2.");
        }

        if (TopK < 0)
        {
            throw new ArgumentOutOfRangeException("top_k", TopK, "top_k must be 0 (disabled) or positive.");
        }

        if (float.IsNaN(TopP) || TopP <= 0 || TopP > 1)
        {
            throw new ArgumentOutOfRangeException("top_p", TopP, "top_p must be in (0, 1].");
        }

        if (float.IsNaN(RepetitionPenalty) || float.IsInfinity(RepetitionPenalty) || RepetitionPenalty <= 0)
        {
            throw new ArgumentOutOfRangeException("repetition_penalty", RepetitionPenalty, "repetition_penalty must be a positive number (1 disables it).");
        }

        ArgumentNullException.ThrowIfNull(StopStrings, "stop");
        if (StopStrings.Count > MaxStopStrings)
        {
            throw new ArgumentException($"At most {MaxStopStrings} stop strings are allowed; got {StopStrings.Count}.", "stop");
        }

        if (StopStrings.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Stop strings must not be empty.", "stop");
        }
    }
}
