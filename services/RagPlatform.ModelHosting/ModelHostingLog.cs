using Microsoft.Extensions.Logging;

namespace RagPlatform.ModelHosting;

internal static partial class ModelHostingLog
{
    [LoggerMessage(2, LogLevel.Information, "Loading model '{ModelId}' from {Directory} for {Service}.")]
    public static partial void ModelLoading(ILogger logger, string modelId, string directory, string service);

    [LoggerMessage(3, LogLevel.Information, "Model '{ModelId}' is loaded and warm after {ElapsedMs} ms: {Service} is SERVING.")]
    public static partial void ModelServing(ILogger logger, string modelId, long elapsedMs, string service);

    [LoggerMessage(4, LogLevel.Warning, "Model '{ModelId}' has FORGED (seeded random) weights: every answer of {Service} is noise. " +
        "scripts/forge-models.sh only makes such test models; for real answers set {Section}:ModelDirectory to a directory with real weights " +
        "in the transformers.js layout (e.g. Xenova/all-MiniLM-L6-v2 with its onnx/ folder).")]
    public static partial void ModelForged(ILogger logger, string modelId, string service, string section);

    [LoggerMessage(5, LogLevel.Critical, "Model '{ModelId}' failed to load for {Service}; stopping.")]
    public static partial void ModelLoadFailed(ILogger logger, string modelId, string service, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "Delaying the model load by {Delay} (WarmupDelay, a test hook).")]
    public static partial void WarmupDelayed(ILogger logger, TimeSpan delay);

    // Tests parse this line (at Debug) to prove calls were batched together: keep "{Verb} a batch of {Items} {Unit}".
    [LoggerMessage(7, LogLevel.Debug, "{Verb} a batch of {Items} {Unit} from {Calls} calls in {ElapsedMs} ms.")]
    public static partial void BatchRan(ILogger logger, string verb, int items, string unit, int calls, long elapsedMs);

    [LoggerMessage(8, LogLevel.Error, "A batch of {Items} {Unit} failed.")]
    public static partial void BatchFailed(ILogger logger, int items, string unit, Exception exception);
}
