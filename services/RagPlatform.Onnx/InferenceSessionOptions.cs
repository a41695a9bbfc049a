namespace RagPlatform.Onnx;

/// <summary>Per-session settings. Bindable from configuration; <see cref="Validate"/> runs when a session opens.</summary>
public sealed record InferenceSessionOptions
{
    /// <summary>Threads inside one operator (e.g. a MatMul); 0 lets ORT choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads running independent operators at once; only used in <see cref="ExecutionMode.Parallel"/>. 0 lets ORT choose.</summary>
    public int InterOpThreads { get; init; }

    public GraphOptimizationLevel GraphOptimization { get; init; } = GraphOptimizationLevel.All;

    public ExecutionMode ExecutionMode { get; init; } = ExecutionMode.Sequential;

    public void Validate()
    {
        if (IntraOpThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "Must be 0 (ORT's default) or positive.");
        }

        if (InterOpThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(InterOpThreads), InterOpThreads, "Must be 0 (ORT's default) or positive.");
        }

        if (!Enum.IsDefined(GraphOptimization))
        {
            throw new ArgumentOutOfRangeException(nameof(GraphOptimization), GraphOptimization, "Unknown graph optimization level.");
        }

        if (!Enum.IsDefined(ExecutionMode))
        {
            throw new ArgumentOutOfRangeException(nameof(ExecutionMode), ExecutionMode, "Unknown execution mode.");
        }
    }
}

/// <summary>ORT's <c>GraphOptimizationLevel</c>, same numeric values.</summary>
public enum GraphOptimizationLevel
{
    Disabled = 0,
    Basic = 1,
    Extended = 2,
    All = 99,
}

/// <summary>ORT's <c>ExecutionMode</c>, same numeric values.</summary>
public enum ExecutionMode
{
    Sequential = 0,
    Parallel = 1,
}
