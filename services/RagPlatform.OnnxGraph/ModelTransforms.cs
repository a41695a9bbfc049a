using System.Text.Json.Nodes;
using RagPlatform.OnnxGraph.Directories;
using RagPlatform.OnnxGraph.Model;
using RagPlatform.OnnxGraph.Quantization;
using RagPlatform.OnnxGraph.Rewrite;

namespace RagPlatform.OnnxGraph;

/// <summary>A derived model directory: where it is, whether this run wrote it, and what was done, for the user.</summary>
public sealed record DerivedModel(string Directory, string OnnxPath, bool UpToDate, bool Forged, string Summary);

/// <summary>
/// The model transforms behind `rag models quantize` and `rag models optimize`. Each reads a model directory in the
/// transformers.js / Optimum layout and writes a sibling directory (the source stays as pulled or forged, its
/// checksums valid), marked in config.json with what was done, from which file. A rerun on an unchanged source
/// finds the output up to date; forced, it writes the same bytes.
/// </summary>
public static class ModelTransforms
{
    // Bump when a transform's output changes for the same input, so older outputs are rebuilt.
    private const int Version = 1;

    public static string DefaultQuantizedDirectory(string source) => SiblingOf(source, "-int8");

    public static string DefaultOptimizedDirectory(string source) => SiblingOf(source, "-optimized");

    /// <summary>
    /// Dynamic int8 quantisation of an encoder or cross-encoder (see <see cref="DynamicQuantization"/>), written as
    /// onnx/model_quantized.onnx with config.json's transformers.js_config.dtype "q8", which transformers.js and the
    /// services both follow.
    /// </summary>
    public static DerivedModel Quantize(string sourceDirectory, string? targetDirectory, QuantizationOptions options, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var source = SourceModel.Open(sourceDirectory);
        var target = Path.GetFullPath(targetDirectory ?? DefaultQuantizedDirectory(source.Directory));
        var onnxRelative = Path.Combine("onnx", OnnxFileNames.ForDtype(OnnxFileNames.QuantizedDtype));
        var recipe = $"quantize v{Version} {options.Granularity} min{options.MinimumWeightDimension}";
        var fingerprint = source.Fingerprint(recipe);
        if (!force && DerivedModelWriter.IsUpToDate(target, onnxRelative, fingerprint))
        {
            return new DerivedModel(target, Path.Combine(target, onnxRelative), true, source.Forged, "up to date (same source file and settings)");
        }

        var model = OnnxFile.Load(source.OnnxPath);
        ExternalData.Load(model, Path.GetDirectoryName(source.OnnxPath)!);
        cancellationToken.ThrowIfCancellationRequested();
        var report = DynamicQuantization.Apply(model, options);
        var summary = $"{report.Quantized} MatMul/Gemm quantised to int8 ({report.FloatWeightBytes / 1e6:F1} MB of float32 weights -> {report.Int8WeightBytes / 1e6:F1} MB), " +
            $"{report.KeptFloat.Count} kept float32" + (report.KeptFloat.Count > 0 ? $": {string.Join("; ", report.KeptFloat)}" : "");
        DerivedModelWriter.Write(source, target, onnxRelative, model, Derived(source, fingerprint, recipe, summary), config =>
        {
            var js = config["transformers.js_config"] as JsonObject ?? [];
            js["dtype"] = OnnxFileNames.QuantizedDtype;
            js.Remove("use_external_data_format");  // the int8 graph is written as one file
            config["transformers.js_config"] = js;
        }, cancellationToken);
        return new DerivedModel(target, Path.Combine(target, onnxRelative), false, source.Forged, summary);
    }

    /// <summary>
    /// Rewrites a decoder so its LM head runs on the last position only (see <see cref="LastPositionLogits"/>): logits
    /// [batch, 1, vocabulary]. The ONNX file keeps its name and its external data (linked, not copied).
    /// </summary>
    public static DerivedModel OptimizePrefill(string sourceDirectory, string? targetDirectory, bool force, CancellationToken cancellationToken)
    {
        var source = SourceModel.Open(sourceDirectory);
        var target = Path.GetFullPath(targetDirectory ?? DefaultOptimizedDirectory(source.Directory));
        var recipe = $"optimize v{Version} last-position-logits";
        var fingerprint = source.Fingerprint(recipe);
        if (!force && DerivedModelWriter.IsUpToDate(target, source.OnnxRelativePath, fingerprint))
        {
            return new DerivedModel(target, Path.Combine(target, source.OnnxRelativePath), true, source.Forged, "up to date (same source file)");
        }

        var model = OnnxFile.Load(source.OnnxPath);
        cancellationToken.ThrowIfCancellationRequested();
        var report = LastPositionLogits.Apply(model);
        if (!report.Changed)
        {
            throw new OnnxGraphException($"'{source.OnnxPath}' already computes logits for the last position only ([batch, 1, vocabulary]); nothing to optimise.");
        }

        var summary = $"LM head '{report.Head}' now reads the last position of '{report.HiddenState}' only: logits [batch, 1, vocabulary]";
        DerivedModelWriter.Write(source, target, source.OnnxRelativePath, model, Derived(source, fingerprint, recipe, summary), _ => { }, cancellationToken);
        return new DerivedModel(target, Path.Combine(target, source.OnnxRelativePath), false, source.Forged, summary);
    }

    private static JsonObject Derived(SourceModel source, string fingerprint, string recipe, string summary) => new()
    {
        ["from"] = source.Name,
        ["file"] = source.OnnxRelativePath.Replace(Path.DirectorySeparatorChar, '/'),
        ["recipe"] = recipe,
        ["summary"] = summary,
        ["fingerprint"] = fingerprint,
    };

    private static string SiblingOf(string source, string suffix)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(source));
        return full + suffix;
    }
}
