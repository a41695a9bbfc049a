namespace RagPlatform.Onnx;

/// <summary>An error ONNX Runtime reported, with its error code and its own message.</summary>
public sealed class OnnxRuntimeException(OrtErrorCode errorCode, string message) : Exception(message)
{
    public OrtErrorCode ErrorCode { get; } = errorCode;
}

/// <summary>ONNX Runtime's <c>OrtErrorCode</c> (onnxruntime_error_code.h), same numeric values.</summary>
public enum OrtErrorCode
{
    Ok = 0,
    Fail = 1,
    InvalidArgument = 2,
    NoSuchFile = 3,
    NoModel = 4,
    EngineError = 5,
    RuntimeException = 6,
    InvalidProtobuf = 7,
    ModelLoaded = 8,
    NotImplemented = 9,
    InvalidGraph = 10,
    EpFail = 11,
    ModelLoadCanceled = 12,
    ModelRequiresCompilation = 13,
    NotFound = 14,
    DeviceReset = 15,
}
