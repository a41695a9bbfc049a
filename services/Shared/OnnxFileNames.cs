using System.Text.Json;

namespace RagPlatform;

/// <summary>
/// Which ONNX file of a transformers.js / Optimum model directory is "the model". transformers.js picks it from
/// config.json's <c>transformers.js_config.dtype</c> (fp32 → model.onnx, q8 → model_quantized.onnx, ...); the
/// services, the model store's layout check and the graph tools take that file when the directory holds it, else
/// model.onnx: hub configs name a browser default (onnx-community's Qwen2.5 says q4f16) whose file a pull need not
/// install. Linked as source into each of them so the rule exists once.
/// </summary>
internal static class OnnxFileNames
{
    /// <summary>The dtype `rag models quantize` writes: dynamically quantised int8 weights (model_quantized.onnx).</summary>
    public const string QuantizedDtype = "q8";

    public const string Default = "model.onnx";

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

    /// <summary>model_quantized.onnx for q8, ...; model.onnx for fp32, no dtype or one transformers.js does not define.</summary>
    public static string ForDtype(string? dtype) =>
        dtype is not null && Suffixes.TryGetValue(dtype, out var suffix) ? $"model{suffix}.onnx" : Default;

    /// <summary>
    /// The model file of <paramref name="directory"/>: the dtype's file, then model.onnx, each looked for in onnx/ and
    /// then in the directory itself; null when there is none.
    /// </summary>
    public static string? Find(string directory, string? dtype)
    {
        var candidates = new[] { ForDtype(dtype), Default }.Distinct(StringComparer.Ordinal)
            .SelectMany(file => new[] { Path.Combine(directory, "onnx", file), Path.Combine(directory, file) });
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>What <see cref="Find"/> looks for, for an error message ("onnx/model_quantized.onnx or onnx/model.onnx").</summary>
    public static string Describe(string? dtype) => string.Join(" or ", new[] { ForDtype(dtype), Default }.Distinct(StringComparer.Ordinal).Select(f => "onnx/" + f));

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
