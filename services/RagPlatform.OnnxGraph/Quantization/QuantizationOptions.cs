namespace RagPlatform.OnnxGraph.Quantization;

/// <summary>How finely a weight matrix gets its own int8 scale.</summary>
public enum WeightGranularity
{
    /// <summary>One scale per output column: a column of small weights keeps its precision beside a column of large ones.</summary>
    PerChannel,

    /// <summary>One scale for the whole matrix.</summary>
    PerTensor,
}

/// <summary>What `rag models quantize` changes; the defaults are the scheme measured in docs/BENCHMARKS.md.</summary>
public sealed record QuantizationOptions
{
    public WeightGranularity Granularity { get; init; } = WeightGranularity.PerChannel;

    /// <summary>
    /// A weight with fewer rows or columns than this stays float32: a classifier's [hidden, 1] head is cheap to run and
    /// its one output is the score itself, so it is where int8 error would show most and save least.
    /// </summary>
    public int MinimumWeightDimension { get; init; } = 16;

    public void Validate() => ArgumentOutOfRangeException.ThrowIfLessThan(MinimumWeightDimension, 1, nameof(MinimumWeightDimension));
}
