using Microsoft.ML.OnnxRuntime;

namespace RagPlatform.Inference.Runtime;

/// <summary>How ONNX Runtime runs one model. Bindable from configuration; <see cref="Validate"/> runs when a session opens.</summary>
public sealed record InferenceSessionOptions
{
    /// <summary>Threads inside one operator (e.g. a MatMul); 0 lets ORT choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads running independent operators at once; used only when <see cref="ExecutionMode"/> is Parallel. 0 lets ORT choose.</summary>
    public int InterOpThreads { get; init; }

    public GraphOptimization GraphOptimization { get; init; } = GraphOptimization.All;

    public SessionExecutionMode ExecutionMode { get; init; } = SessionExecutionMode.Sequential;

    /// <summary>
    /// ORT's CPU memory arena: buffers are reused across runs instead of going back to the system. Faster, but the
    /// process keeps its high-water mark; turn it off to trade speed for memory that shrinks after a large request.
    /// </summary>
    public bool MemoryArena { get; init; } = true;

    /// <summary>Plans each run's buffers from the previous run with the same input shapes (pays off when shapes repeat).</summary>
    public bool MemoryPattern { get; init; } = true;

    /// <summary>
    /// Whether ORT's worker threads spin between operators instead of sleeping (ORT's default: spin). Spinning shaves
    /// wake-up latency off each operator but burns the cores Kestrel and the other services need between calls on a
    /// small shared machine; false lets them sleep (session.intra_op.allow_spinning / inter_op.allow_spinning = 0).
    /// </summary>
    public bool AllowSpinning { get; init; } = true;

    public void Validate()
    {
        if (IntraOpThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "Must be 0 (ORT's choice) or positive.");
        }

        if (InterOpThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(InterOpThreads), InterOpThreads, "Must be 0 (ORT's choice) or positive.");
        }

        if (!Enum.IsDefined(GraphOptimization))
        {
            throw new ArgumentOutOfRangeException(nameof(GraphOptimization), GraphOptimization, "Must be Disabled, Basic, Extended or All.");
        }

        if (!Enum.IsDefined(ExecutionMode))
        {
            throw new ArgumentOutOfRangeException(nameof(ExecutionMode), ExecutionMode, "Must be Sequential or Parallel.");
        }
    }

    /// <summary>ORT's session options for these settings, before an execution provider is appended.</summary>
    internal SessionOptions ToSessionOptions(OnnxLogLevel logLevel)
    {
        var options = new SessionOptions();
        try
        {
            options.IntraOpNumThreads = IntraOpThreads;
            options.InterOpNumThreads = InterOpThreads;
            options.GraphOptimizationLevel = GraphOptimization switch
            {
                GraphOptimization.Disabled => GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            options.ExecutionMode = ExecutionMode == SessionExecutionMode.Parallel ? Microsoft.ML.OnnxRuntime.ExecutionMode.ORT_PARALLEL : Microsoft.ML.OnnxRuntime.ExecutionMode.ORT_SEQUENTIAL;
            options.EnableCpuMemArena = MemoryArena;
            options.EnableMemoryPattern = MemoryPattern;
            options.LogSeverityLevel = (OrtLoggingLevel)logLevel;
            if (!AllowSpinning)
            {
                options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
                options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
            }

            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }
}

/// <summary>How far ORT rewrites the graph when a session opens (constant folding, operator fusion, layout changes).</summary>
public enum GraphOptimization
{
    Disabled,
    Basic,
    Extended,
    All,
}

/// <summary>Whether ORT runs a graph's independent branches one after another or at once.</summary>
public enum SessionExecutionMode
{
    Sequential,
    Parallel,
}
