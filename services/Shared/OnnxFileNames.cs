using System.Text.Json;

namespace RagPlatform;

/// <summary>
/// Which ONNX file of a transformers.js / Optimum model directory is "the model": transformers.js picks it from
/// config.json's <c>transformers.js_config.dtype</c> (fp32 → model.onnx, q8 → model_quantized.onnx, ...), and so do
/// the services, the model store's layout check and the graph tools. Linked as source into each of them so the
/// mapping exists once.
/// </summary>
internal static class OnnxFileNames
{
    /// <summary>The dtype `rag models quantize` writes: dynamically quantised int8 weights (model_quantized.onnx).</summary>
    public const string QuantizedDtype = "q8";

    // transformers.js's DEFAULT_DTYPE_SUFFIX_MAPPING.
    private static readonly Dictionary<string, string> Suffixes = new(StringComparer.Ordinal)
    {
        ["fp32"] = "",
        ["fp16"] = "_fp16",
        ["int8"] = "_int8",
        ["uint8"] = "_uint8",
        ["q8"] = "_quantized",
        ["q4"] = "_q4",
        ["q4f16"] = "_q4f16",
        ["bnb4"] = "_bnb4",
    };

    /// <summary>model.onnx, model_quantized.onnx, ... for a dtype (null: fp32); throws naming the known dtypes.</summary>
    public static string ForDtype(string? dtype) => dtype is null
        ? "model.onnx"
        : Suffixes.TryGetValue(dtype, out var suffix)
            ? $"model{suffix}.onnx"
            : throw new NotSupportedException(
                $"config.json's transformers.js_config.dtype '{dtype}' is not one of {string.Join(", ", Suffixes.Keys)}.");

    /// <summary>
    /// The dtype config.json asks for: <c>transformers.js_config.dtype</c> as a string, or its "model" entry when it is
    /// an object (per-session dtypes); null when it says nothing (fp32).
    /// </summary>
    public static string? DtypeOf(JsonElement config)
    {
        if (config.ValueKind != JsonValueKind.Object || !config.TryGetProperty("transformers.js_config", out var js) || js.ValueKind != JsonValueKind.Object
            || !js.TryGetProperty("dtype", out var dtype))
        {
            return null;
        }

        return dtype.ValueKind switch
        {
            JsonValueKind.String => dtype.GetString(),
            JsonValueKind.Object when dtype.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String => model.GetString(),
            _ => null,
        };
    }
}
