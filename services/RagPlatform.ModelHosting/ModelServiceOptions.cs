using RagPlatform.Inference.Runtime;

namespace RagPlatform.ModelHosting;

/// <summary>
/// Settings every model service shares, bound from its own section (e.g. "Embedder", or Embedder__ModelDirectory in
/// the environment). Services derive their options from this and add their limits in <see cref="Validate"/>.
/// </summary>
public abstract class ModelServiceOptions
{
    /// <summary>
    /// The model in the transformers.js layout. A relative path is looked up from the working directory and its
    /// ancestors, so the repository's .models/ folder is found from the repo root, a project folder or bin/.
    /// </summary>
    public string ModelDirectory { get; set; } = "";

    /// <summary>ONNX Runtime threads per operator. 2 fits a 2-core laptop; 0 lets ORT use every core.</summary>
    public int IntraOpThreads { get; set; } = 2;

    /// <summary>Threads running independent operators at once when <see cref="ExecutionMode"/> is Parallel; 0 lets ORT choose.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>Disabled, Basic, Extended or All: how far ORT rewrites the graph when the model loads.</summary>
    public GraphOptimization GraphOptimization { get; set; } = GraphOptimization.All;

    /// <summary>Sequential or Parallel: whether independent branches of the graph run at once.</summary>
    public SessionExecutionMode ExecutionMode { get; set; } = SessionExecutionMode.Sequential;

    /// <summary>ORT's CPU memory arena (buffers reused across runs; the process keeps its high-water mark).</summary>
    public bool MemoryArena { get; set; } = true;

    /// <summary>ORT's memory pattern (buffers planned from the previous run with the same shapes).</summary>
    public bool MemoryPattern { get; set; } = true;

    /// <summary>
    /// Whether ORT's worker threads spin while waiting for work (ORT's own default) or sleep. Off by default for the
    /// embedder and the reranker: spinning threads take the cores Kestrel needs between calls (bench/model-services.sh,
    /// docs/BENCHMARKS.md); the generator turns it on (see GeneratorOptions).
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>Waits this long before loading the model. A test hook to observe NOT_SERVING; keep at zero.</summary>
    public TimeSpan WarmupDelay { get; set; } = TimeSpan.Zero;

    public InferenceSessionOptions SessionOptions => new()
    {
        IntraOpThreads = IntraOpThreads,
        InterOpThreads = InterOpThreads,
        GraphOptimization = GraphOptimization,
        ExecutionMode = ExecutionMode,
        MemoryArena = MemoryArena,
        MemoryPattern = MemoryPattern,
        AllowSpinning = AllowSpinning,
    };

    /// <summary>Every problem with these settings, each naming its key under <paramref name="section"/>.</summary>
    public virtual IEnumerable<string> Validate(string section)
    {
        if (string.IsNullOrWhiteSpace(ModelDirectory))
        {
            yield return $"{section}:ModelDirectory is required: run scripts/forge-models.sh or set it to a directory with real weights.";
        }

        if (IntraOpThreads < 0)
        {
            yield return $"{section}:IntraOpThreads must be 0 (ORT's choice) or positive (was {IntraOpThreads}).";
        }

        if (InterOpThreads < 0)
        {
            yield return $"{section}:InterOpThreads must be 0 (ORT's choice) or positive (was {InterOpThreads}).";
        }

        if (!Enum.IsDefined(GraphOptimization))
        {
            yield return $"{section}:GraphOptimization must be Disabled, Basic, Extended or All (was {GraphOptimization}).";
        }

        if (!Enum.IsDefined(ExecutionMode))
        {
            yield return $"{section}:ExecutionMode must be Sequential or Parallel (was {ExecutionMode}).";
        }

        if (WarmupDelay < TimeSpan.Zero)
        {
            yield return $"{section}:WarmupDelay must not be negative (was {WarmupDelay}).";
        }
    }

    /// <summary>The full path of <see cref="ModelDirectory"/>: absolute as given, else the first ancestor of <paramref name="start"/> holding it.</summary>
    public string ResolveModelDirectory(string start)
    {
        if (Path.IsPathRooted(ModelDirectory))
        {
            return Path.GetFullPath(ModelDirectory);
        }

        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ModelDirectory);
            if (Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return Path.GetFullPath(Path.Combine(start, ModelDirectory));
    }
}
