using System.Text.Json.Nodes;
using RagPlatform.ModelStore.NuGet;

namespace RagPlatform.ModelStore.Tests.NuGet;

/// <summary>The packaged entries of the shipped catalog, and the files the store writes for them.</summary>
[Trait("Category", "Unit")]
public sealed class PackagedCatalogTests
{
    private static readonly ModelCatalog Catalog = ModelCatalog.Default;

    [Fact]
    public void SourcesOf_Embedders_PreferTheirNuGetPackageAndKeepTheHubWhereItHasThem()
    {
        Assert.Equal([ModelSource.NuGet, ModelSource.Hub], Catalog.SourcesOf("minilm-embedder"));
        Assert.Equal([ModelSource.NuGet], Catalog.SourcesOf("arctic-embed-xs"));
        Assert.Equal([ModelSource.Hub], Catalog.SourcesOf("qwen2.5"));
        Assert.Empty(Catalog.SourcesOf("no-such-model"));
        Assert.Equal(["minilm-embedder", "minilm-reranker", "qwen2.5"], Catalog.DefaultNames);
    }

    [Fact]
    public void Packaged_EveryEntry_PinsAnExactPackageAndEveryFileItDoesNotWrite()
    {
        Assert.Equal(["minilm-embedder", "arctic-embed-xs"], Catalog.Packaged.Select(m => m.Name));
        foreach (var model in Catalog.Packaged)
        {
            model.Validate();
            Assert.Equal("24.9.52193", model.Package.Version);
            Assert.Equal(88, model.Package.Sha512.Length);
            Assert.Contains(model.Files, f => f is ResourceFile { Path: "onnx/model.onnx" });
            Assert.Contains(model.Files, f => f.Path == "1_Pooling/config.json");
        }
    }

    [Fact]
    public void MiniLm_SharedFiles_CarryTheSamePinsAsItsHubEntry()
    {
        Assert.True(Catalog.TryGetPackaged("minilm-embedder", out var packaged));
        var hub = Catalog.Get("minilm-embedder").Files.ToDictionary(f => f.Path);
        foreach (var file in packaged.Files.OfType<PinnedFile>().Where(f => f.Path != "onnx/model.onnx"))
        {
            Assert.Equal((hub[file.Path].Sha256, hub[file.Path].Size), (file.Sha256, (long?)file.Size));
        }
    }

    [Fact]
    public void Arctic_WrittenFiles_SayClsPoolingTheQueryInstructionAndWhoWroteTheConfig()
    {
        Assert.True(Catalog.TryGetPackaged("arctic-embed-xs", out var arctic));
        var written = arctic.Files.OfType<WrittenFile>().ToDictionary(f => f.Path, f => JsonNode.Parse(f.Content)!);

        Assert.True(written["1_Pooling/config.json"]["pooling_mode_cls_token"]!.GetValue<bool>());
        Assert.False(written["1_Pooling/config.json"]["pooling_mode_mean_tokens"]!.GetValue<bool>());
        Assert.Equal("Represent this sentence for searching relevant passages: ", written["config_sentence_transformers.json"]["prompts"]!["query"]!.GetValue<string>());
        Assert.Contains("RagPlatform.ModelStore", written["config.json"]["rag_written_by"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(512, written["tokenizer_config.json"]["model_max_length"]!.GetValue<int>());
    }

    /// <summary>
    /// The writer is checked against the real thing: over all-MiniLM-L6-v2's vocabulary it must give that model's
    /// published tokenizer.json, except the 128-token truncation and padding the publisher left in it (the services
    /// and transformers.js take the limit from tokenizer_config.json).
    /// </summary>
    [Fact]
    public void WordPieceTokenizerJson_OverTheBertUncasedVocabulary_IsThePublishedTokenizerOfAllMiniLm()
    {
        var folder = Path.Combine(TestPaths.SharedDir, "models", "all-MiniLM-L6-v2");
        var published = JsonNode.Parse(File.ReadAllBytes(Path.Combine(folder, "tokenizer.json")))!.AsObject();

        var written = JsonNode.Parse(WordPieceTokenizerJson.Write(File.ReadAllBytes(Path.Combine(folder, "vocab.txt")), "test"))!.AsObject();

        Assert.Null(written["truncation"]);
        Assert.Null(written["padding"]);
        published["truncation"] = null;
        published["padding"] = null;
        Assert.True(JsonNode.DeepEquals(published, written));
    }

    [Fact]
    public void WordPieceTokenizerJson_VocabularyWithoutSpecialTokens_Refused()
    {
        var error = Assert.Throws<ModelStoreException>(() => WordPieceTokenizerJson.Write("hello\nworld\n"u8, "test"));

        Assert.Equal(ModelStoreError.InvalidLayout, error.Error);
        Assert.Contains("[PAD]", error.Message, StringComparison.Ordinal);
    }
}
