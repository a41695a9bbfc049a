namespace RagPlatform.Onnx.Native;

/// <summary>
/// Slot numbers of the functions this binding calls in ONNX Runtime's <c>OrtApi</c> function table,
/// counted member by member in <c>struct OrtApi</c> of include/onnxruntime/core/session/onnxruntime_c_api.h.
/// The struct is append-only, so a slot never moves once released; every slot used here exists
/// since API version 1 unless noted. OrtApiIndexTests checks them by behaviour against the real library.
/// </summary>
internal static class OrtApiIndex
{
    /// <summary>Slots exist for API versions up to this one; GetApi(30) is ONNX Runtime 1.30.</summary>
    public const uint ApiVersion = 30;

    /// <summary>OrtStatus* CreateStatus(OrtErrorCode code, const char* msg).</summary>
    public const int CreateStatus = 0;

    /// <summary>OrtErrorCode GetErrorCode(const OrtStatus* status).</summary>
    public const int GetErrorCode = 1;

    /// <summary>const char* GetErrorMessage(const OrtStatus* status); owned by the status.</summary>
    public const int GetErrorMessage = 2;

    /// <summary>CreateEnv(OrtLoggingLevel level, const char* logid, OrtEnv** out).</summary>
    public const int CreateEnv = 3;

    /// <summary>CreateSession(const OrtEnv*, const char* model_path, const OrtSessionOptions*, OrtSession** out).</summary>
    public const int CreateSession = 7;

    /// <summary>Run(OrtSession*, const OrtRunOptions*, names[], OrtValue*[], n, output names[], m, OrtValue** outputs).</summary>
    public const int Run = 9;

    /// <summary>CreateSessionOptions(OrtSessionOptions** out).</summary>
    public const int CreateSessionOptions = 10;

    /// <summary>SetSessionExecutionMode(OrtSessionOptions*, ExecutionMode).</summary>
    public const int SetSessionExecutionMode = 13;

    /// <summary>SetSessionGraphOptimizationLevel(OrtSessionOptions*, GraphOptimizationLevel).</summary>
    public const int SetSessionGraphOptimizationLevel = 23;

    /// <summary>SetIntraOpNumThreads(OrtSessionOptions*, int).</summary>
    public const int SetIntraOpNumThreads = 24;

    /// <summary>SetInterOpNumThreads(OrtSessionOptions*, int).</summary>
    public const int SetInterOpNumThreads = 25;

    /// <summary>SessionGetInputCount(const OrtSession*, size_t* out).</summary>
    public const int SessionGetInputCount = 30;

    /// <summary>SessionGetOutputCount(const OrtSession*, size_t* out).</summary>
    public const int SessionGetOutputCount = 31;

    /// <summary>SessionGetInputTypeInfo(const OrtSession*, size_t index, OrtTypeInfo** out).</summary>
    public const int SessionGetInputTypeInfo = 33;

    /// <summary>SessionGetOutputTypeInfo(const OrtSession*, size_t index, OrtTypeInfo** out).</summary>
    public const int SessionGetOutputTypeInfo = 34;

    /// <summary>SessionGetInputName(const OrtSession*, size_t index, OrtAllocator*, char** out); free with AllocatorFree.</summary>
    public const int SessionGetInputName = 36;

    /// <summary>SessionGetOutputName(const OrtSession*, size_t index, OrtAllocator*, char** out); free with AllocatorFree.</summary>
    public const int SessionGetOutputName = 37;

    /// <summary>CreateRunOptions(OrtRunOptions** out).</summary>
    public const int CreateRunOptions = 39;

    /// <summary>RunOptionsSetTerminate(OrtRunOptions*): makes in-flight Runs using these options fail soon.</summary>
    public const int RunOptionsSetTerminate = 46;

    /// <summary>CreateTensorAsOrtValue(OrtAllocator*, const int64_t* shape, size_t rank, ONNXTensorElementDataType, OrtValue** out).</summary>
    public const int CreateTensorAsOrtValue = 48;

    /// <summary>CreateTensorWithDataAsOrtValue(const OrtMemoryInfo*, void* data, size_t bytes, shape, rank, type, OrtValue** out); no copy.</summary>
    public const int CreateTensorWithDataAsOrtValue = 49;

    /// <summary>IsTensor(const OrtValue*, int* out).</summary>
    public const int IsTensor = 50;

    /// <summary>GetTensorMutableData(OrtValue*, void** out).</summary>
    public const int GetTensorMutableData = 51;

    /// <summary>CastTypeInfoToTensorInfo(const OrtTypeInfo*, const OrtTensorTypeAndShapeInfo** out); result owned by the type info.</summary>
    public const int CastTypeInfoToTensorInfo = 55;

    /// <summary>GetOnnxTypeFromTypeInfo(const OrtTypeInfo*, ONNXType* out).</summary>
    public const int GetOnnxTypeFromTypeInfo = 56;

    /// <summary>GetTensorElementType(const OrtTensorTypeAndShapeInfo*, ONNXTensorElementDataType* out).</summary>
    public const int GetTensorElementType = 60;

    /// <summary>GetDimensionsCount(const OrtTensorTypeAndShapeInfo*, size_t* out).</summary>
    public const int GetDimensionsCount = 61;

    /// <summary>GetDimensions(const OrtTensorTypeAndShapeInfo*, int64_t* dims, size_t length); -1 for unknown dims.</summary>
    public const int GetDimensions = 62;

    /// <summary>GetSymbolicDimensions(const OrtTensorTypeAndShapeInfo*, const char* names[], size_t length); "" when unnamed.</summary>
    public const int GetSymbolicDimensions = 63;

    /// <summary>GetTensorTypeAndShape(const OrtValue*, OrtTensorTypeAndShapeInfo** out).</summary>
    public const int GetTensorTypeAndShape = 65;

    /// <summary>GetValueType(const OrtValue*, ONNXType* out).</summary>
    public const int GetValueType = 67;

    /// <summary>CreateCpuMemoryInfo(OrtAllocatorType, OrtMemType, OrtMemoryInfo** out).</summary>
    public const int CreateCpuMemoryInfo = 69;

    /// <summary>AllocatorFree(OrtAllocator*, void* p).</summary>
    public const int AllocatorFree = 76;

    /// <summary>GetAllocatorWithDefaultOptions(OrtAllocator** out); the allocator is process-wide and never freed.</summary>
    public const int GetAllocatorWithDefaultOptions = 78;

    /// <summary>void ReleaseEnv(OrtEnv*).</summary>
    public const int ReleaseEnv = 92;

    /// <summary>void ReleaseStatus(OrtStatus*).</summary>
    public const int ReleaseStatus = 93;

    /// <summary>void ReleaseMemoryInfo(OrtMemoryInfo*).</summary>
    public const int ReleaseMemoryInfo = 94;

    /// <summary>void ReleaseSession(OrtSession*).</summary>
    public const int ReleaseSession = 95;

    /// <summary>void ReleaseValue(OrtValue*).</summary>
    public const int ReleaseValue = 96;

    /// <summary>void ReleaseRunOptions(OrtRunOptions*).</summary>
    public const int ReleaseRunOptions = 97;

    /// <summary>void ReleaseTypeInfo(OrtTypeInfo*).</summary>
    public const int ReleaseTypeInfo = 98;

    /// <summary>void ReleaseTensorTypeAndShapeInfo(OrtTensorTypeAndShapeInfo*).</summary>
    public const int ReleaseTensorTypeAndShapeInfo = 99;

    /// <summary>void ReleaseSessionOptions(OrtSessionOptions*).</summary>
    public const int ReleaseSessionOptions = 100;

    /// <summary>SessionGetModelMetadata(const OrtSession*, OrtModelMetadata** out).</summary>
    public const int SessionGetModelMetadata = 111;

    /// <summary>ModelMetadataGetProducerName(const OrtModelMetadata*, OrtAllocator*, char** out).</summary>
    public const int ModelMetadataGetProducerName = 112;

    /// <summary>ModelMetadataGetGraphName(const OrtModelMetadata*, OrtAllocator*, char** out).</summary>
    public const int ModelMetadataGetGraphName = 113;

    /// <summary>ModelMetadataGetDomain(const OrtModelMetadata*, OrtAllocator*, char** out).</summary>
    public const int ModelMetadataGetDomain = 114;

    /// <summary>ModelMetadataGetDescription(const OrtModelMetadata*, OrtAllocator*, char** out); the model's doc_string.</summary>
    public const int ModelMetadataGetDescription = 115;

    /// <summary>ModelMetadataLookupCustomMetadataMap(const OrtModelMetadata*, OrtAllocator*, const char* key, char** out); NULL when absent.</summary>
    public const int ModelMetadataLookupCustomMetadataMap = 116;

    /// <summary>ModelMetadataGetVersion(const OrtModelMetadata*, int64_t* out).</summary>
    public const int ModelMetadataGetVersion = 117;

    /// <summary>void ReleaseModelMetadata(OrtModelMetadata*).</summary>
    public const int ReleaseModelMetadata = 118;

    /// <summary>ModelMetadataGetCustomMetadataMapKeys(const OrtModelMetadata*, OrtAllocator*, char*** keys, int64_t* count); free each key and the array.</summary>
    public const int ModelMetadataGetCustomMetadataMapKeys = 123;

    /// <summary>ModelMetadataGetGraphDescription(const OrtModelMetadata*, OrtAllocator*, char** out) (API 6).</summary>
    public const int ModelMetadataGetGraphDescription = 158;

    /// <summary>const char* GetBuildInfoString(void) (API 13); static storage.</summary>
    public const int GetBuildInfoString = 254;
}
