using System.Text.Json.Nodes;
using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Tests.Infrastructure;

namespace RagPlatform.Inference.Tests.Unit;

[Trait("Category", "Unit")]
[Collection(InferenceCollection.Name)]
public sealed class ModelDirectoryTests(InferenceEnvironment env) : IDisposable
{
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("rag-model-dir-");

    public void Dispose() => _scratch.Delete(recursive: true);

    [Fact]
    public void Load_ForgedQwen_ReadsConfigGenerationConfigAndTokenizer()
    {
        var qwen = env.Qwen;

        Assert.Equal("qwen2", qwen.Config.ModelType);
        Assert.Equal("Qwen2ForCausalLM", qwen.Config.Architecture);
        Assert.True(qwen.Config.Forged);
        Assert.Equal((2, 4, 2, 16), (qwen.Config.LayerCount, qwen.Config.AttentionHeads, qwen.Config.KeyValueHeads, qwen.Config.HeadDimension));
        Assert.Equal(1.05f, qwen.Generation!.RepetitionPenalty);
        Assert.Equal([151645, 151643], qwen.EosTokenIds);
        Assert.Equal("Qwen/Qwen2.5-0.5B-Instruct", qwen.ModelId);
        Assert.EndsWith(Path.Combine("onnx", "model.onnx"), qwen.OnnxPath, StringComparison.Ordinal);
        Assert.Null(qwen.Pooling);
    }

    [Fact]
    public void Load_MissingConfig_NamesTheFileAndTheForge()
    {
        var error = Assert.Throws<FileNotFoundException>(() => ModelDirectory.Load(_scratch.FullName));

        Assert.Contains("config.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/forge-models.sh", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingOnnx_NamesTheFile()
    {
        CopyFiles(env.Embedder.Path, "config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt");

        var error = Assert.Throws<FileNotFoundException>(() => ModelDirectory.Load(_scratch.FullName));

        Assert.Contains("onnx/model.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/forge-models.sh", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AnnouncedExternalDataMissing_NamesTheDataFile()
    {
        CopyFiles(env.Embedder.Path, "tokenizer.json", "tokenizer_config.json", "vocab.txt", "onnx/model.onnx");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(env.Embedder.Path, "config.json")))!;
        config["transformers.js_config"]!["use_external_data_format"] = true;
        File.WriteAllText(Path.Combine(_scratch.FullName, "config.json"), config.ToJsonString());

        var error = Assert.Throws<FileNotFoundException>(() => ModelDirectory.Load(_scratch.FullName));

        Assert.Contains("model.onnx_data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoTokenizer_FailsUnlessNotRequired()
    {
        CopyFiles(env.Qwen.Path, "config.json", "generation_config.json", "onnx/model.onnx");

        var error = Assert.Throws<FileNotFoundException>(() => ModelDirectory.Load(_scratch.FullName));
        var tokenless = ModelDirectory.Load(_scratch.FullName, requireTokenizer: false);

        Assert.Contains("tokenizer.json", error.Message, StringComparison.Ordinal);
        Assert.False(tokenless.HasTokenizer);
        Assert.Throws<FileNotFoundException>(() => tokenless.Tokenizer);
        Assert.Equal([151645, 151643], tokenless.EosTokenIds);
    }

    [Fact]
    public void Load_SentenceTransformersFiles_ReadPoolingAndPrefixes()
    {
        CopyFiles(env.Embedder.Path, "config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "onnx/model.onnx");
        Directory.CreateDirectory(Path.Combine(_scratch.FullName, "1_Pooling"));
        File.WriteAllText(Path.Combine(_scratch.FullName, "1_Pooling", "config.json"),
            """{"word_embedding_dimension": 32, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}""");
        File.WriteAllText(Path.Combine(_scratch.FullName, "config_sentence_transformers.json"),
            """{"prompts": {"query": "query: ", "document": "passage: "}}""");

        var model = ModelDirectory.Load(_scratch.FullName);

        Assert.Equal(PoolingMode.Cls, model.Pooling);
        Assert.Equal(new EmbeddingPrefixes("query: ", "passage: "), model.Prefixes);
    }

    [Fact]
    public void IsForged_ConfigWithoutMarker_StillForgedByOnnxMetadata()
    {
        CopyFiles(env.Embedder.Path, "tokenizer.json", "tokenizer_config.json", "vocab.txt", "onnx/model.onnx");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(env.Embedder.Path, "config.json")))!.AsObject();
        config.Remove("rag_forged");
        File.WriteAllText(Path.Combine(_scratch.FullName, "config.json"), config.ToJsonString());
        var model = ModelDirectory.Load(_scratch.FullName);

        using var embedder = TextEmbedder.Open(env.Sessions, model, new TextEmbedderOptions { Session = InferenceEnvironment.Session });

        Assert.False(model.Config.Forged);
        Assert.True(embedder.Model.Forged);
    }

    private void CopyFiles(string source, params string[] files)
    {
        foreach (var file in files)
        {
            var target = Path.Combine(_scratch.FullName, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(source, file), target);
        }
    }
}
