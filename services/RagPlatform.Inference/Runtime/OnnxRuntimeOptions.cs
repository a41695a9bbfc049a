namespace RagPlatform.Inference.Runtime;

/// <summary>
/// Process-wide ONNX Runtime settings (section <c>OnnxRuntime</c>): where sessions run and how much ORT logs.
/// Per-model settings (threads, graph optimisation, memory arena) are <see cref="InferenceSessionOptions"/>.
/// </summary>
public sealed record OnnxRuntimeOptions
{
    public const string SectionName = "OnnxRuntime";

    /// <summary>Cpu (default) or Cuda. Cuda needs the Microsoft.ML.OnnxRuntime.Gpu.Linux package and an NVIDIA GPU.</summary>
    public OnnxExecutionProvider ExecutionProvider { get; init; } = OnnxExecutionProvider.Cpu;

    /// <summary>The GPU sessions run on when <see cref="ExecutionProvider"/> is Cuda.</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>Least severity ORT writes to stderr; Fatal keeps it quiet (its errors still arrive as exceptions).</summary>
    public OnnxLogLevel LogLevel { get; init; } = OnnxLogLevel.Fatal;

    /// <summary>Every problem with these settings, each naming its key under <see cref="SectionName"/>.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Enum.IsDefined(ExecutionProvider))
        {
            yield return $"{SectionName}:ExecutionProvider must be Cpu or Cuda (was {ExecutionProvider}).";
        }

        if (CudaDeviceId < 0)
        {
            yield return $"{SectionName}:CudaDeviceId must not be negative (was {CudaDeviceId}).";
        }

        if (!Enum.IsDefined(LogLevel))
        {
            yield return $"{SectionName}:LogLevel must be Verbose, Info, Warning, Error or Fatal (was {LogLevel}).";
        }
    }
}

/// <summary>Where ONNX Runtime runs a model's operators.</summary>
public enum OnnxExecutionProvider
{
    Cpu,
    Cuda,
}

/// <summary>ORT's logging severities, same order.</summary>
public enum OnnxLogLevel
{
    Verbose,
    Info,
    Warning,
    Error,
    Fatal,
}
