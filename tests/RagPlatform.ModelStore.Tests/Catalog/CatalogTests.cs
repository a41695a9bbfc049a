using System.Security.Cryptography;
using RagPlatform.ModelStore.Tests.Infrastructure;

namespace RagPlatform.ModelStore.Tests.Catalog;

/// <summary>The shipped catalog: well formed, loader-compatible, and its pins agree with the real files we hold.</summary>
[Trait("Category", "Unit")]
public sealed class CatalogTests
{
    private static readonly ModelCatalog Catalog = ModelCatalog.Default;

    [Fact]
    public void Default_EveryModel_IsPinnedToACommitWithWellFormedChecksums()
    {
        Assert.NotEmpty(Catalog.Models);
        foreach (var model in Catalog.Models)
        {
            model.Validate();
            Assert.Matches("^[0-9a-f]{40}$", model.Revision);
            Assert.All(model.Files.Where(f => f.Sha256 is not null), f => Assert.NotNull(f.Size));
        }
    }

    [Fact]
    public void Defaults_AreOneModelPerServiceNamedLikeTheForgedFolders()
    {
        Assert.Equal(
            [("minilm-embedder", ModelRole.Embedder), ("minilm-reranker", ModelRole.Reranker), ("qwen2.5", ModelRole.Generator)],
            Catalog.Defaults.Select(m => (m.Name, m.Role)));
        Assert.Equal(
            ["Xenova/all-MiniLM-L6-v2", "Xenova/ms-marco-MiniLM-L-6-v2", "onnx-community/Qwen2.5-0.5B-Instruct"],
            Catalog.Defaults.Select(m => m.Repository));
    }

    [Fact]
    public void Generators_InstallTheKvCacheGraphTheLoaderOpens()
    {
        foreach (var generator in Catalog.Models.Where(m => m.Role == ModelRole.Generator))
        {
            var graph = Assert.Single(generator.Files, f => f.Path == "onnx/model.onnx");
            Assert.DoesNotContain("decoder_model_merged", graph.RemotePath, StringComparison.Ordinal);
            Assert.False(graph.Optional);
        }
    }

    /// <summary>
    /// Writes placeholder files at each catalog path (with a config.json of the role's architecture) and checks the
    /// result is a layout the service accepts: a catalog entry missing its tokenizer or graph fails here.
    /// </summary>
    [Fact]
    public void Default_EveryModelsFileList_FormsALayoutItsServiceAccepts()
    {
        foreach (var model in Catalog.Models)
        {
            using var folder = new TempDirectory();
            foreach (var file in model.Files.Where(f => !f.Optional))
            {
                var path = folder.Combine(file.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, "x");
            }

            var architecture = model.Role switch
            {
                ModelRole.Generator => "Qwen2ForCausalLM",
                ModelRole.Reranker => "BertForSequenceClassification",
                _ => "BertModel",
            };
            File.WriteAllText(folder.Combine("config.json"), $$"""{"architectures": ["{{architecture}}"], "num_hidden_layers": 2}""");

            var report = ModelLayout.Validate(folder.Path, model.Role);

            Assert.True(report.IsValid, $"{model.Name}: {string.Join(" ", report.Problems)}");
        }
    }

    /// <summary>
    /// The tokenizer and config pins were taken from public pins of the same revisions; ../shared holds copies of
    /// the same files from other sources. Agreement between the two is independent evidence the pins are right.
    /// </summary>
    [Theory]
    [InlineData("minilm-embedder", "config.json", "all-MiniLM-L6-v2/config.json")]
    [InlineData("minilm-embedder", "special_tokens_map.json", "all-MiniLM-L6-v2/special_tokens_map.json")]
    [InlineData("minilm-embedder", "tokenizer.json", "all-MiniLM-L6-v2/tokenizer.json")]
    [InlineData("minilm-embedder", "tokenizer_config.json", "all-MiniLM-L6-v2/tokenizer_config.json")]
    [InlineData("minilm-embedder", "vocab.txt", "all-MiniLM-L6-v2/vocab.txt")]
    [InlineData("minilm-reranker", "vocab.txt", "ms-marco-MiniLM-L-12-v2/vocab.txt")]
    [InlineData("minilm-reranker", "tokenizer.json", "ms-marco-MiniLM-L-12-v2/tokenizer.json")]
    [InlineData("qwen2.5", "tokenizer_config.json", "qwen2.5-tokenizer/tokenizer_config.json")]
    public void Pin_MatchesTheSameFileHeldLocally(string model, string path, string sharedFile)
    {
        var local = Path.Combine(TestPaths.SharedDir, "models", sharedFile);
        var pinned = Catalog.Get(model).Files.Single(f => f.Path == path);

        Assert.Equal(pinned.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(local))));
        Assert.Equal(pinned.Size, new FileInfo(local).Length);
    }

    [Fact]
    public void Get_UnknownName_ListsTheKnownOnes()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => Catalog.Get("gpt-5"));

        Assert.Contains("minilm-embedder", error.Message);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("onnx/../../x")]
    [InlineData("onnx\\model.onnx")]
    [InlineData("C:/x")]
    [InlineData("onnx//model.onnx")]
    public void Validate_PathLeavingTheModelFolder_IsRejected(string path)
    {
        var spec = new ModelSpec("m", ModelRole.Embedder, "o/r", TestRepos.Revision, [new ModelFile(path)]);

        Assert.Throws<ArgumentException>(spec.Validate);
    }
}
