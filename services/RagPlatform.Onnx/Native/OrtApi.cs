using System.Runtime.InteropServices;

namespace RagPlatform.Onnx.Native;

/// <summary>
/// ONNX Runtime's C function table (<c>OrtApi</c>) for one loaded library, called by slot number
/// (<see cref="OrtApiIndex"/>). Every status-returning call is checked: a non-NULL OrtStatus* becomes an
/// <see cref="OnnxRuntimeException"/> and is released. Strings ORT allocates are copied and freed at once.
/// </summary>
internal sealed unsafe partial class OrtApi
{
    private readonly nint* _table;

    private OrtApi(nint* table, string libraryPath, string version)
    {
        _table = table;
        LibraryPath = libraryPath;
        Version = version;
    }

    public string LibraryPath { get; }

    public string Version { get; }

    /// <summary>Loads the library at a full path and asks it for the API table this binding was written against.</summary>
    public static OrtApi Load(string libraryPath)
    {
        nint library;
        try
        {
            // Never freed: ORT keeps process-wide state (threads, allocators) that must outlive every handle.
            library = NativeLibrary.Load(libraryPath);
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException(
                $"ONNX Runtime at '{libraryPath}' exists but could not be loaded ({e.Message}). " +
                "It needs glibc and libstdc++; reinstall it with ./scripts/setup/onnxruntime.sh.", e);
        }

        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out var getApiBase))
        {
            throw new EntryPointNotFoundException($"'{libraryPath}' is not ONNX Runtime: it has no OrtGetApiBase export.");
        }

        var apiBase = ((delegate* unmanaged[Cdecl]<nint*>)getApiBase)();
        var getApi = (delegate* unmanaged[Cdecl]<uint, nint*>)apiBase[0];
        var getVersionString = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];
        var version = Marshal.PtrToStringUTF8((nint)getVersionString()) ?? "unknown";
        var table = getApi(OrtApiIndex.ApiVersion);
        if (table == null)
        {
            throw new NotSupportedException(
                $"ONNX Runtime {version} at '{libraryPath}' does not provide C API version {OrtApiIndex.ApiVersion}; " +
                "ONNX Runtime 1.30 or newer is required (./scripts/setup/onnxruntime.sh installs it).");
        }

        return new OrtApi(table, libraryPath, version);
    }

    public string BuildInfo => Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<nint>)_table[OrtApiIndex.GetBuildInfoString])()) ?? "";

    // ---- status ----

    public void Check(nint status)
    {
        if (status != 0)
        {
            throw TakeException(status);
        }
    }

    public OnnxRuntimeException TakeException(nint status)
    {
        var code = ((delegate* unmanaged[Cdecl]<nint, int>)_table[OrtApiIndex.GetErrorCode])(status);
        var message = Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<nint, nint>)_table[OrtApiIndex.GetErrorMessage])(status));
        ((delegate* unmanaged[Cdecl]<nint, void>)_table[OrtApiIndex.ReleaseStatus])(status);
        return new OnnxRuntimeException((OrtErrorCode)code, message ?? "ONNX Runtime reported an error without a message.");
    }

    public nint CreateStatus(OrtErrorCode code, string message)
    {
        var utf8 = Marshal.StringToCoTaskMemUTF8(message);
        try
        {
            return ((delegate* unmanaged[Cdecl]<int, nint, nint>)_table[OrtApiIndex.CreateStatus])((int)code, utf8);
        }
        finally
        {
            Marshal.FreeCoTaskMem(utf8);
        }
    }

    // ---- environment, options, sessions ----

    public nint CreateEnv(OnnxLogLevel level, string logId)
    {
        var utf8 = Marshal.StringToCoTaskMemUTF8(logId);
        try
        {
            nint env;
            Check(((delegate* unmanaged[Cdecl]<int, nint, nint*, nint>)_table[OrtApiIndex.CreateEnv])((int)level, utf8, &env));
            return env;
        }
        finally
        {
            Marshal.FreeCoTaskMem(utf8);
        }
    }

    public nint CreateSessionOptions()
    {
        nint options;
        Check(((delegate* unmanaged[Cdecl]<nint*, nint>)_table[OrtApiIndex.CreateSessionOptions])(&options));
        return options;
    }

    public void SetSessionExecutionMode(SafeHandle options, ExecutionMode mode) =>
        Check(((delegate* unmanaged[Cdecl]<nint, int, nint>)_table[OrtApiIndex.SetSessionExecutionMode])(options.DangerousGetHandle(), (int)mode));

    public void SetSessionGraphOptimizationLevel(SafeHandle options, GraphOptimizationLevel level) =>
        Check(((delegate* unmanaged[Cdecl]<nint, int, nint>)_table[OrtApiIndex.SetSessionGraphOptimizationLevel])(options.DangerousGetHandle(), (int)level));

    public void SetIntraOpNumThreads(SafeHandle options, int threads) =>
        Check(((delegate* unmanaged[Cdecl]<nint, int, nint>)_table[OrtApiIndex.SetIntraOpNumThreads])(options.DangerousGetHandle(), threads));

    public void SetInterOpNumThreads(SafeHandle options, int threads) =>
        Check(((delegate* unmanaged[Cdecl]<nint, int, nint>)_table[OrtApiIndex.SetInterOpNumThreads])(options.DangerousGetHandle(), threads));

    public nint CreateSession(SafeHandle env, string modelPath, SafeHandle options)
    {
        // ORTCHAR_T is char (UTF-8) on Linux.
        var utf8 = Marshal.StringToCoTaskMemUTF8(modelPath);
        try
        {
            nint session;
            Check(((delegate* unmanaged[Cdecl]<nint, nint, nint, nint*, nint>)_table[OrtApiIndex.CreateSession])(
                env.DangerousGetHandle(), utf8, options.DangerousGetHandle(), &session));
            return session;
        }
        finally
        {
            Marshal.FreeCoTaskMem(utf8);
        }
    }

    public nint Run(nint session, nint runOptions, nint* inputNames, nint* inputs, nuint inputCount, nint* outputNames, nuint outputCount, nint* outputs) =>
        ((delegate* unmanaged[Cdecl]<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)_table[OrtApiIndex.Run])(
            session, runOptions, inputNames, inputs, inputCount, outputNames, outputCount, outputs);

    public int SessionGetInputCount(SafeHandle session) => GetCount(OrtApiIndex.SessionGetInputCount, session);

    public int SessionGetOutputCount(SafeHandle session) => GetCount(OrtApiIndex.SessionGetOutputCount, session);

    public string SessionGetInputName(SafeHandle session, int index) => GetName(OrtApiIndex.SessionGetInputName, session, index);

    public string SessionGetOutputName(SafeHandle session, int index) => GetName(OrtApiIndex.SessionGetOutputName, session, index);

    public nint SessionGetInputTypeInfo(SafeHandle session, int index) => GetTypeInfo(OrtApiIndex.SessionGetInputTypeInfo, session, index);

    public nint SessionGetOutputTypeInfo(SafeHandle session, int index) => GetTypeInfo(OrtApiIndex.SessionGetOutputTypeInfo, session, index);

    private int GetCount(int slot, SafeHandle session)
    {
        nuint count;
        Check(((delegate* unmanaged[Cdecl]<nint, nuint*, nint>)_table[slot])(session.DangerousGetHandle(), &count));
        return checked((int)count);
    }

    private string GetName(int slot, SafeHandle session, int index)
    {
        nint name;
        Check(((delegate* unmanaged[Cdecl]<nint, nuint, nint, nint*, nint>)_table[slot])(session.DangerousGetHandle(), (nuint)index, DefaultAllocator(), &name));
        return TakeAllocatedString(name) ?? "";
    }

    private nint GetTypeInfo(int slot, SafeHandle session, int index)
    {
        nint typeInfo;
        Check(((delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)_table[slot])(session.DangerousGetHandle(), (nuint)index, &typeInfo));
        return typeInfo;
    }

    // ---- run options ----

    public nint CreateRunOptions()
    {
        nint options;
        Check(((delegate* unmanaged[Cdecl]<nint*, nint>)_table[OrtApiIndex.CreateRunOptions])(&options));
        return options;
    }

    public void RunOptionsSetTerminate(nint runOptions) =>
        Check(((delegate* unmanaged[Cdecl]<nint, nint>)_table[OrtApiIndex.RunOptionsSetTerminate])(runOptions));

    // ---- memory ----

    public nint CreateCpuMemoryInfo()
    {
        const int arenaAllocator = 1, memTypeDefault = 0;
        nint info;
        Check(((delegate* unmanaged[Cdecl]<int, int, nint*, nint>)_table[OrtApiIndex.CreateCpuMemoryInfo])(arenaAllocator, memTypeDefault, &info));
        return info;
    }

    /// <summary>The process-wide CPU allocator; owned by ORT and never released.</summary>
    public nint DefaultAllocator()
    {
        nint allocator;
        Check(((delegate* unmanaged[Cdecl]<nint*, nint>)_table[OrtApiIndex.GetAllocatorWithDefaultOptions])(&allocator));
        return allocator;
    }

    /// <summary>Copies a string ORT allocated with the default allocator, then frees it. NULL gives null.</summary>
    public string? TakeAllocatedString(nint utf8)
    {
        if (utf8 == 0)
        {
            return null;
        }

        var value = Marshal.PtrToStringUTF8(utf8);
        AllocatorFree(utf8);
        return value;
    }

    public void AllocatorFree(nint pointer) =>
        Check(((delegate* unmanaged[Cdecl]<nint, nint, nint>)_table[OrtApiIndex.AllocatorFree])(DefaultAllocator(), pointer));

    // ---- values ----

    public nint CreateTensorWithData(SafeHandle memoryInfo, void* data, nuint byteLength, ReadOnlySpan<long> shape, TensorElementType type)
    {
        nint value;
        fixed (long* dims = shape)
        {
            Check(((delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint>)_table[OrtApiIndex.CreateTensorWithDataAsOrtValue])(
                memoryInfo.DangerousGetHandle(), data, byteLength, dims, (nuint)shape.Length, (int)type, &value));
        }

        return value;
    }

    public nint CreateTensorWithAllocator(ReadOnlySpan<long> shape, TensorElementType type)
    {
        nint value;
        fixed (long* dims = shape)
        {
            Check(((delegate* unmanaged[Cdecl]<nint, long*, nuint, int, nint*, nint>)_table[OrtApiIndex.CreateTensorAsOrtValue])(
                DefaultAllocator(), dims, (nuint)shape.Length, (int)type, &value));
        }

        return value;
    }

    public bool IsTensor(nint value)
    {
        int isTensor;
        Check(((delegate* unmanaged[Cdecl]<nint, int*, nint>)_table[OrtApiIndex.IsTensor])(value, &isTensor));
        return isTensor != 0;
    }

    public OnnxValueType GetValueType(nint value)
    {
        int type;
        Check(((delegate* unmanaged[Cdecl]<nint, int*, nint>)_table[OrtApiIndex.GetValueType])(value, &type));
        return (OnnxValueType)type;
    }

    public void* GetTensorMutableData(nint value)
    {
        void* data;
        Check(((delegate* unmanaged[Cdecl]<nint, void**, nint>)_table[OrtApiIndex.GetTensorMutableData])(value, &data));
        return data;
    }

    /// <summary>Element type and concrete shape of a tensor value.</summary>
    public (TensorElementType Type, long[] Shape) GetTensorTypeAndShape(nint value)
    {
        nint info;
        Check(((delegate* unmanaged[Cdecl]<nint, nint*, nint>)_table[OrtApiIndex.GetTensorTypeAndShape])(value, &info));
        try
        {
            return (GetElementType(info), GetDimensions(info));
        }
        finally
        {
            ((delegate* unmanaged[Cdecl]<nint, void>)_table[OrtApiIndex.ReleaseTensorTypeAndShapeInfo])(info);
        }
    }

    // ---- tensor type and shape info ----

    private TensorElementType GetElementType(nint tensorInfo)
    {
        int type;
        Check(((delegate* unmanaged[Cdecl]<nint, int*, nint>)_table[OrtApiIndex.GetTensorElementType])(tensorInfo, &type));
        return (TensorElementType)type;
    }

    private long[] GetDimensions(nint tensorInfo)
    {
        nuint rank;
        Check(((delegate* unmanaged[Cdecl]<nint, nuint*, nint>)_table[OrtApiIndex.GetDimensionsCount])(tensorInfo, &rank));
        var dims = new long[checked((int)rank)];
        fixed (long* p = dims)
        {
            Check(((delegate* unmanaged[Cdecl]<nint, long*, nuint, nint>)_table[OrtApiIndex.GetDimensions])(tensorInfo, p, rank));
        }

        return dims;
    }

    // ---- release (void functions that accept NULL) ----

    public void ReleaseEnv(nint p) => Release(OrtApiIndex.ReleaseEnv, p);

    public void ReleaseMemoryInfo(nint p) => Release(OrtApiIndex.ReleaseMemoryInfo, p);

    public void ReleaseSession(nint p) => Release(OrtApiIndex.ReleaseSession, p);

    public void ReleaseSessionOptions(nint p) => Release(OrtApiIndex.ReleaseSessionOptions, p);

    public void ReleaseRunOptions(nint p) => Release(OrtApiIndex.ReleaseRunOptions, p);

    public void ReleaseValue(nint p) => Release(OrtApiIndex.ReleaseValue, p);

    private void Release(int slot, nint p) => ((delegate* unmanaged[Cdecl]<nint, void>)_table[slot])(p);
}
