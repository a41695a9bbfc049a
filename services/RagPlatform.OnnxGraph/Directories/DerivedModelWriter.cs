using System.Text.Json;
using System.Text.Json.Nodes;
using RagPlatform.OnnxGraph.Model;
using RagPlatform.OnnxGraph.Protobuf;

namespace RagPlatform.OnnxGraph.Directories;

/// <summary>
/// Writes a model derived from a source directory into a sibling directory: the source's files (config, tokenizer,
/// pooling...) copied, config.json marked with what was done and from what, the new ONNX file, and the source's
/// external-data files linked when the graph still points into them. Built under a staging name and renamed into
/// place, so the target is either the old model or the whole new one.
/// </summary>
internal static class DerivedModelWriter
{
    /// <summary>config.json's record of how a derived model was made; equal fingerprints mean it is up to date.</summary>
    public const string DerivedKey = "rag_derived";

    // config.json is written edited; the rest is provenance of the source folder, not of the derived one (a manifest's
    // checksums would not match the new files).
    private static readonly HashSet<string> NotCopied = new(StringComparer.Ordinal)
    {
        "config.json", "rag-model.json", "rag-model.pending", "forge.json", ".rag-model.lock", ".forge.lock",
    };

    public static bool IsUpToDate(string target, string onnxRelativePath, string fingerprint)
    {
        var config = Path.Combine(target, "config.json");
        if (!File.Exists(config) || !File.Exists(Path.Combine(target, onnxRelativePath)))
        {
            return false;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllBytes(config))?[DerivedKey]?["fingerprint"]?.GetValue<string>() == fingerprint;
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    public static void Write(SourceModel source, string target, string onnxRelativePath, ModelProto model, JsonObject derived,
        Action<JsonObject> editConfig, CancellationToken cancellationToken)
    {
        var parent = Path.GetDirectoryName(target) ?? throw new OnnxGraphException($"'{target}' has no parent directory.");
        if (Path.GetFullPath(target) == source.Directory)
        {
            throw new OnnxGraphException("The output directory is the source directory; derived models go into their own directory.");
        }

        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.staging-{Environment.ProcessId}");
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        try
        {
            CopyTree(source.Directory, staging, Path.GetDirectoryName(source.OnnxPath)!, cancellationToken);
            var config = source.Config;
            editConfig(config);
            config[DerivedKey] = derived;
            var json = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            File.WriteAllText(Path.Combine(staging, "config.json"), config.ToJsonString(json) + "\n");

            var onnx = Path.Combine(staging, onnxRelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(onnx)!);
            cancellationToken.ThrowIfCancellationRequested();
            OnnxFile.Save(model, onnx);
            foreach (var data in ExternalData.Files(model))
            {
                HardLink.LinkOrCopy(Path.Combine(Path.GetDirectoryName(source.OnnxPath)!, data), Path.Combine(Path.GetDirectoryName(onnx)!, data));
            }

            cancellationToken.ThrowIfCancellationRequested();
            Swap(staging, target);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Copies the source's files except its ONNX folder's graphs and its provenance files.</summary>
    private static void CopyTree(string from, string to, string onnxFolder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(file);
            var isGraph = from == onnxFolder && (name.EndsWith(".onnx", StringComparison.Ordinal) || name.Contains(".onnx_data", StringComparison.Ordinal));
            if (!isGraph && !NotCopied.Contains(name) && !name.EndsWith(".partial", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(to, name));
            }
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            var name = Path.GetFileName(directory);
            if (!name.StartsWith('.'))
            {
                CopyTree(directory, Path.Combine(to, name), onnxFolder, cancellationToken);
            }
        }
    }

    private static void Swap(string staging, string target)
    {
        var parent = Path.GetDirectoryName(target)!;
        string? old = null;
        if (Directory.Exists(target))
        {
            old = Path.Combine(parent, $".{Path.GetFileName(target)}.old-{Environment.ProcessId}");
            Directory.Move(target, old);
        }

        Directory.Move(staging, target);
        DirectorySync.Sync(parent);
        if (old is not null)
        {
            Directory.Delete(old, recursive: true);
        }
    }
}
