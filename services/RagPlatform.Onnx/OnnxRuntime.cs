using System.Buffers;
using RagPlatform.Onnx.Native;

namespace RagPlatform.Onnx;

/// <summary>
/// The loaded ONNX Runtime engine and its environment. Create one per process (a DI singleton) with
/// <see cref="Create"/>, open sessions and make tensors from it; it is thread-safe. ORT keeps a single
/// environment per process, so a second instance shares the first one's logging settings.
/// Disposing it releases the environment once the last session opened from it is disposed.
/// </summary>
public sealed class OnnxRuntime : IDisposable
{
    private readonly OrtApi _api;
    private readonly EnvHandle _env;
    private readonly MemoryInfoHandle _cpu;

    private OnnxRuntime(OrtApi api, EnvHandle env, MemoryInfoHandle cpu)
    {
        _api = api;
        _env = env;
        _cpu = cpu;
    }

    /// <summary>The library's own version string, e.g. "1.30.0".</summary>
    public string Version => _api.Version;

    /// <summary>Full path of the loaded libonnxruntime.so.1.</summary>
    public string LibraryPath => _api.LibraryPath;

    /// <summary>ORT's build description (version, git commit, build flags).</summary>
    public string BuildInfo => _api.BuildInfo;

    internal OrtApi Api => _api;

    /// <summary>
    /// Loads the library (see <see cref="OnnxRuntimeOptions.LibraryPath"/> for where it is looked for) and creates
    /// the environment. Throws <see cref="DllNotFoundException"/> naming the paths tried and the fix when it is missing.
    /// </summary>
    public static OnnxRuntime Create(OnnxRuntimeOptions? options = null)
    {
        options ??= new OnnxRuntimeOptions();
        options.Validate();
        var path = OrtLibraryLocator.Resolve(
            options.LibraryPath,
            Environment.GetEnvironmentVariable(OnnxRuntimeOptions.LibraryEnvironmentVariable),
            AppContext.BaseDirectory);
        var api = OrtApi.Load(path);
        var env = new EnvHandle(api, api.CreateEnv(options.LogLevel, options.LogId));
        try
        {
            return new OnnxRuntime(api, env, new MemoryInfoHandle(api, api.CreateCpuMemoryInfo()));
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    /// <summary>Loads a model file. A missing file gives <see cref="FileNotFoundException"/> naming it; an invalid model gives <see cref="OnnxRuntimeException"/>.</summary>
    public InferenceSession OpenSession(string modelPath, InferenceSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        options ??= new InferenceSessionOptions();
        options.Validate();
        var fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"ONNX model file not found: '{fullPath}'.", fullPath);
        }

        using var sessionOptions = new SessionOptionsHandle(_api, _api.CreateSessionOptions());
        _api.SetSessionGraphOptimizationLevel(sessionOptions, options.GraphOptimization);
        _api.SetSessionExecutionMode(sessionOptions, options.ExecutionMode);
        _api.SetIntraOpNumThreads(sessionOptions, options.IntraOpThreads);
        _api.SetInterOpNumThreads(sessionOptions, options.InterOpThreads);

        // The session handle takes over this reference and gives it back when the session is released.
        var envReferenced = false;
        _env.DangerousAddRef(ref envReferenced);
        SessionHandle handle;
        try
        {
            handle = new SessionHandle(_api, _api.CreateSession(_env, fullPath, sessionOptions), _env);
        }
        catch
        {
            _env.DangerousRelease();
            throw;
        }

        try
        {
            return new InferenceSession(_api, handle, fullPath);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>A tensor over <paramref name="data"/> without copying; the array stays pinned until the tensor is disposed.</summary>
    public OrtTensor CreateTensor<T>(T[] data, params ReadOnlySpan<long> shape)
        where T : unmanaged => CreateTensor(data.AsMemory(), shape);

    /// <summary>A tensor over <paramref name="data"/> without copying; the memory stays pinned until the tensor is disposed.</summary>
    public OrtTensor CreateTensor<T>(Memory<T> data, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_cpu.IsClosed, this);
        return OrtTensor.OverMemory(_api, _cpu, data, shape, owner: null);
    }

    /// <summary>
    /// A tensor over the first elements of <paramref name="owner"/>'s memory (e.g. a pooled buffer) without copying.
    /// The tensor takes ownership: disposing the tensor disposes <paramref name="owner"/> once ORT is done with it.
    /// </summary>
    public OrtTensor CreateTensor<T>(IMemoryOwner<T> owner, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(owner);
        ObjectDisposedException.ThrowIf(_cpu.IsClosed, this);
        long count = 1;
        foreach (var dim in shape)
        {
            count = checked(count * Math.Max(dim, 0));
        }

        if (count > owner.Memory.Length)
        {
            throw new ArgumentException($"The shape needs {count} elements; the owned buffer has {owner.Memory.Length}.", nameof(owner));
        }

        return OrtTensor.OverMemory(_api, _cpu, owner.Memory[..(int)count], shape, owner);
    }

    /// <summary>A zero-filled tensor in memory ORT allocates; fill it through <see cref="OrtTensor.GetMutableData{T}"/>. Any dimension may be 0.</summary>
    public OrtTensor AllocateTensor<T>(params ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_cpu.IsClosed, this);
        return OrtTensor.Allocate<T>(_api, shape);
    }

    public void Dispose()
    {
        _cpu.Dispose();
        _env.Dispose();
    }
}
