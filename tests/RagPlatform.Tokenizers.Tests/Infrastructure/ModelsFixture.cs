namespace RagPlatform.Tokenizers.Tests.Infrastructure;

/// <summary>
/// The real tokenizers under test, loaded once: MiniLM and the ms-marco cross-encoder (tokenizer.json, and MiniLM
/// again from vocab.txt alone), and Qwen2.5 both from vocab.json + merges.txt and from a tokenizer.json that
/// scripts/forge/tokenizer_json.py writes into a temporary model directory (which transformers.js also reads).
/// </summary>
public sealed class ModelsFixture : IAsyncLifetime
{
    private DirectoryInfo? _workDir;

    internal ITokenizer MiniLm { get; private set; } = null!;

    internal ITokenizer MiniLmFromVocabTxt { get; private set; } = null!;

    internal ITokenizer CrossEncoder { get; private set; } = null!;

    internal ITokenizer QwenFromVocabFiles { get; private set; } = null!;

    internal ITokenizer QwenFromTokenizerJson { get; private set; } = null!;

    /// <summary>Model directory holding the forged Qwen tokenizer.json beside the real configs.</summary>
    internal string QwenTokenizerJsonDir { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _workDir = Directory.CreateTempSubdirectory("rag-tokenizers-");
        QwenTokenizerJsonDir = Path.Combine(_workDir.FullName, "qwen2.5-tokenizer");
        Directory.CreateDirectory(QwenTokenizerJsonDir);
        foreach (var file in new[] { "tokenizer_config.json", "special_tokens_map.json", "generation_config.json", "config.json" })
        {
            File.Copy(Path.Combine(SharedFiles.QwenVocabFiles, file), Path.Combine(QwenTokenizerJsonDir, file));
        }

        (await ExternalCommand.RunAsync("/usr/bin/python3",
            [Path.Combine(TestPaths.RepoRoot, "scripts", "forge", "tokenizer_json.py"), SharedFiles.QwenVocabFiles,
                "--out", Path.Combine(QwenTokenizerJsonDir, "tokenizer.json")],
            TestPaths.RepoRoot, TimeSpan.FromMinutes(2))).EnsureSuccess();

        var miniLmVocab = Path.Combine(_workDir.FullName, "minilm-vocab-only");
        Directory.CreateDirectory(miniLmVocab);
        foreach (var file in new[] { "vocab.txt", "tokenizer_config.json", "special_tokens_map.json" })
        {
            File.Copy(Path.Combine(SharedFiles.MiniLm, file), Path.Combine(miniLmVocab, file));
        }

        MiniLm = TokenizerLoader.Load(SharedFiles.MiniLm);
        MiniLmFromVocabTxt = TokenizerLoader.Load(miniLmVocab);
        CrossEncoder = TokenizerLoader.Load(SharedFiles.CrossEncoder);
        QwenFromVocabFiles = TokenizerLoader.Load(SharedFiles.QwenVocabFiles);
        QwenFromTokenizerJson = TokenizerLoader.Load(QwenTokenizerJsonDir);
    }

    public Task DisposeAsync()
    {
        _workDir?.Delete(recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class ModelsCollection : ICollectionFixture<ModelsFixture>
{
    public const string Name = "Models";
}
