using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace RagPlatform.Inference.Runtime;

/// <summary>
/// Opens models as <see cref="OnnxSession"/>s on the configured execution provider. One per process (a DI singleton
/// built from <see cref="OnnxRuntimeOptions"/>); thread-safe. <see cref="Create"/> checks the provider can be used, so a
/// misconfigured service fails at start, not on its first request.
/// </summary>
public sealed class OnnxSessionFactory
{
    /// <summary>The package that carries the CUDA execution provider; it replaces Microsoft.ML.OnnxRuntime.</summary>
    public const string GpuPackage = "Microsoft.ML.OnnxRuntime.Gpu.Linux";

    private const string CudaProviderName = "CUDAExecutionProvider";
    private const string CudaProviderLibrary = "libonnxruntime_providers_cuda.so";

    private readonly OnnxRuntimeOptions _options;

    private OnnxSessionFactory(OnnxRuntimeOptions options)
    {
        _options = options;
        Device = options.ExecutionProvider == OnnxExecutionProvider.Cuda ? $"cuda:{options.CudaDeviceId}" : "cpu";
    }

    /// <summary>"cpu" or "cuda:N": where this factory's sessions run (ModelInfo.device).</summary>
    public string Device { get; }

    /// <summary>The loaded native library's version, e.g. "1.32.0".</summary>
    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <exception cref="ArgumentException">The options are invalid (every problem is named).</exception>
    /// <exception cref="InvalidOperationException">
    /// Cuda is configured but this build's ONNX Runtime has no CUDA provider (the message names <see cref="GpuPackage"/>), or
    /// the provider's CUDA libraries cannot be loaded (the message names the missing library).
    /// </exception>
    public static OnnxSessionFactory Create(OnnxRuntimeOptions? options = null)
    {
        options ??= new OnnxRuntimeOptions();
        var problems = options.Validate().ToArray();
        if (problems.Length > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        // ORT keeps one environment per process; its log level is process-wide too.
        OrtEnv.Instance().EnvLogLevel = (OrtLoggingLevel)options.LogLevel;
        if (options.ExecutionProvider == OnnxExecutionProvider.Cuda)
        {
            CheckCuda(options.CudaDeviceId);
        }

        return new OnnxSessionFactory(options);
    }

    /// <summary>
    /// Loads a model. A missing file gives <see cref="FileNotFoundException"/> naming it; a model ORT rejects gives
    /// <see cref="OnnxRuntimeException"/> with ORT's reason.
    /// </summary>
    public OnnxSession Open(string modelPath, InferenceSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        options ??= new InferenceSessionOptions();
        options.Validate();
        var fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"ONNX model file not found: '{fullPath}'.", fullPath);
        }

        using var sessionOptions = options.ToSessionOptions(_options.LogLevel);
        if (_options.ExecutionProvider == OnnxExecutionProvider.Cuda)
        {
            // Operators CUDA lacks fall back to the CPU provider, which ORT always appends last.
            sessionOptions.AppendExecutionProvider_CUDA(_options.CudaDeviceId);
        }

        InferenceSession session;
        try
        {
            session = new InferenceSession(fullPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex) when (_options.ExecutionProvider == OnnxExecutionProvider.Cuda)
        {
            throw new InvalidOperationException(
                $"'{fullPath}' could not be opened on CUDA device {_options.CudaDeviceId}: {ex.Message} " +
                $"Check the device exists (nvidia-smi), or set {OnnxRuntimeOptions.SectionName}:ExecutionProvider to Cpu.", ex);
        }

        try
        {
            return new OnnxSession(session, fullPath, Device);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static void CheckCuda(int deviceId)
    {
        var providers = OrtEnv.Instance().GetAvailableProviders();
        if (!providers.Contains(CudaProviderName))
        {
            throw new InvalidOperationException(
                $"{OnnxRuntimeOptions.SectionName}:ExecutionProvider is Cuda, but this build's ONNX Runtime {Version} has only " +
                $"{string.Join(", ", providers)}: the CUDA provider ships in the {GpuPackage} package, which replaces Microsoft.ML.OnnxRuntime. " +
                $"Build or publish with -p:OnnxRuntimePackage={GpuPackage} on a machine with an NVIDIA GPU, its driver, CUDA and cuDNN, " +
                $"or set {OnnxRuntimeOptions.SectionName}:ExecutionProvider to Cpu.");
        }

        try
        {
            using var probe = new SessionOptions();
            probe.AppendExecutionProvider_CUDA(deviceId);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidOperationException(
                $"{OnnxRuntimeOptions.SectionName}:ExecutionProvider is Cuda and {GpuPackage} is installed, but its CUDA provider " +
                $"cannot be loaded ({ex.Message}): {MissingCudaLibrary()} Install the NVIDIA driver and the CUDA and cuDNN versions " +
                $"ONNX Runtime {Version} is built for, on the library path, or set {OnnxRuntimeOptions.SectionName}:ExecutionProvider to Cpu.", ex);
        }
    }

    /// <summary>
    /// Why the CUDA provider library does not load, in the dynamic loader's words (e.g. "libcublasLt.so.13: cannot open
    /// shared object file"): ORT only writes that to its log, which is quiet by default.
    /// </summary>
    private static string MissingCudaLibrary()
    {
        string[] folders = [AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native")];
        var library = folders.Select(f => Path.Combine(f, CudaProviderLibrary)).FirstOrDefault(File.Exists);
        if (library is null)
        {
            return $"{CudaProviderLibrary} is not beside the application.";
        }

        try
        {
            NativeLibrary.Free(NativeLibrary.Load(library));
            return $"{CudaProviderLibrary} loads, so the GPU or its driver is missing.";
        }
        catch (DllNotFoundException ex)
        {
            // .NET's message ends with the loader's own line, e.g. "libcublasLt.so.13: cannot open shared object file".
            var loader = ex.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            return $"{CudaProviderLibrary} does not load: {loader ?? ex.Message}.";
        }
    }
}
