namespace RagPlatform.Onnx;

/// <summary>How to find and start ONNX Runtime. Bindable from configuration; <see cref="Validate"/> runs on create.</summary>
public sealed record OnnxRuntimeOptions
{
    /// <summary>Name of the environment variable that points at libonnxruntime.so.1 when no path is configured.</summary>
    public const string LibraryEnvironmentVariable = "RAG_ONNXRUNTIME_LIBRARY";

    /// <summary>
    /// Full path of libonnxruntime.so.1. When null: $RAG_ONNXRUNTIME_LIBRARY, then
    /// .native/onnxruntime/linux-x64/ in the nearest ancestor of the app folder, then native/ beside the app.
    /// </summary>
    public string? LibraryPath { get; init; }

    /// <summary>Minimum severity ORT logs to stderr; Fatal keeps it quiet (errors still arrive as exceptions).</summary>
    public OnnxLogLevel LogLevel { get; init; } = OnnxLogLevel.Fatal;

    /// <summary>Identifies this process in ORT's log lines.</summary>
    public string LogId { get; init; } = "RagPlatform";

    public void Validate()
    {
        if (LibraryPath is { Length: 0 })
        {
            throw new ArgumentException("LibraryPath is empty; leave it null to search the default locations.", nameof(LibraryPath));
        }

        if (!Enum.IsDefined(LogLevel))
        {
            throw new ArgumentOutOfRangeException(nameof(LogLevel), LogLevel, "Unknown ONNX Runtime log level.");
        }

        if (string.IsNullOrWhiteSpace(LogId))
        {
            throw new ArgumentException("LogId must not be empty.", nameof(LogId));
        }
    }
}

/// <summary>ORT's <c>OrtLoggingLevel</c>, same numeric values.</summary>
public enum OnnxLogLevel
{
    Verbose = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
    Fatal = 4,
}
