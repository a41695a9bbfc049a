using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using RagPlatform.ModelStore.Hub;
using RagPlatform.ModelStore.Install;
using RagPlatform.ModelStore.Tests.Infrastructure;

namespace RagPlatform.ModelStore.Tests.Pull;

/// <summary>The small parts a pull is built from: options, backoff, hub answers, checksum lists.</summary>
[Trait("Category", "Unit")]
public sealed class PartsTests
{
    [Fact]
    public void FromEnvironment_HuggingFaceVariables_SetTheHubAndToken()
    {
        var variables = new Dictionary<string, string> { ["HF_ENDPOINT"] = "https://mirror.example/hf", ["HF_TOKEN"] = " hf_abc \n" };

        var options = ModelStoreOptions.FromEnvironment(name => variables.GetValueOrDefault(name));

        Assert.Equal("https://mirror.example/hf/", options.Hub.AbsoluteUri);
        Assert.Equal("hf_abc", options.Token);
        Assert.Equal(ModelStoreOptions.DefaultHub, ModelStoreOptions.FromEnvironment(_ => null).Hub);
        Assert.Null(ModelStoreOptions.FromEnvironment(_ => null).Token);
    }

    [Fact]
    public void Validate_OutOfRangeLimits_AreRejectedByName()
    {
        var valid = new ModelStoreOptions();
        valid.Validate();

        Assert.Equal("MaxFileSize", Assert.ThrowsAny<ArgumentException>((valid with { MaxFileSize = 0 }).Validate).ParamName);
        Assert.Equal("MaxRetries", Assert.ThrowsAny<ArgumentException>((valid with { MaxRetries = -1 }).Validate).ParamName);
        Assert.Equal("ReadTimeout", Assert.ThrowsAny<ArgumentException>((valid with { ReadTimeout = TimeSpan.Zero }).Validate).ParamName);
        Assert.Equal("Hub", Assert.ThrowsAny<ArgumentException>((valid with { Hub = new Uri("ftp://x/") }).Validate).ParamName);
        Assert.Equal("Token", Assert.ThrowsAny<ArgumentException>((valid with { Token = "a\nb" }).Validate).ParamName);
    }

    [Fact]
    public void Backoff_GrowsWithEachAttemptAndStaysUnderTheCap()
    {
        var options = new ModelStoreOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(100), RetryMaxDelay = TimeSpan.FromSeconds(1) };
        var retry = new RetryPolicy(options, TimeProvider.System, NullLogger.Instance);

        for (var i = 0; i < 50; i++)
        {
            Assert.InRange(retry.Backoff(1, null), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100));
            Assert.InRange(retry.Backoff(3, null), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400));
            Assert.InRange(retry.Backoff(30, null), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
        }

        Assert.Equal(TimeSpan.FromSeconds(1), retry.Backoff(1, TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromMilliseconds(700), retry.Backoff(1, TimeSpan.FromMilliseconds(700)));
    }

    [Theory]
    [InlineData(500, typeof(TransientHubException))]
    [InlineData(503, typeof(TransientHubException))]
    [InlineData(429, typeof(TransientHubException))]
    [InlineData(401, typeof(ModelStoreException))]
    [InlineData(403, typeof(ModelStoreException))]
    [InlineData(404, typeof(ModelStoreException))]
    [InlineData(418, typeof(ModelStoreException))]
    public void Failure_Status_IsRetriedOnlyWhenTransient(int status, Type expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        response.Headers.TryAddWithoutValidation("X-Error-Message", "Repository not found\tinjected");

        var error = HubStatus.Failure(response, "Listing o/r@main");

        Assert.IsType(expected, error);
        Assert.Contains("Repository not foundinjected", error.Message);
    }

    [Fact]
    public void NextPage_LinkHeader_IsResolvedAgainstTheCurrentPage()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("Link", "</api/models/o/r/tree/main?cursor=abc>; rel=\"next\"");

        var next = HubListing.NextPage(response, new Uri("https://hub.example/api/models/o/r/tree/main?recursive=true"));

        Assert.Equal("https://hub.example/api/models/o/r/tree/main?cursor=abc", next?.AbsoluteUri);
    }

    [Fact]
    public void Parse_Listing_ReadsLfsSha256AndGitBlobIds()
    {
        var json = """
            [{"type":"directory","oid":"1111111111111111111111111111111111111111","size":0,"path":"onnx"},
             {"type":"file","oid":"2222222222222222222222222222222222222222","size":650,"path":"config.json"},
             {"type":"file","oid":"3333333333333333333333333333333333333333","size":90,"path":"onnx/model.onnx",
              "lfs":{"oid":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","size":90,"pointerSize":134}}]
            """u8.ToArray();

        var entries = HubListing.Parse(json, "test").ToDictionary(e => e.Path);

        Assert.Equal(["config.json", "onnx/model.onnx"], entries.Keys.Order());
        Assert.Equal(new HubEntry("config.json", 650, new string('2', 40), null), entries["config.json"]);
        Assert.Equal(new string('a', 64), entries["onnx/model.onnx"].LfsSha256);
    }

    [Fact]
    public void Read_Sha256Sums_ResolvesPathsAgainstTheListsFolderAndRejectsEscapes()
    {
        using var folder = new TempDirectory();
        var list = folder.Combine("SHA256SUMS");
        File.WriteAllText(list, $"# comment\n{new string('A', 64)}  ./onnx/model.onnx\n{new string('b', 64)} *config.json\n");

        var sums = Sha256Sums.Read(list);

        Assert.Equal(new string('a', 64), sums[folder.Combine("onnx", "model.onnx")]);
        Assert.Equal(new string('b', 64), sums[folder.Combine("config.json")]);
        File.WriteAllText(list, $"{new string('a', 64)}  ../outside.bin\n");
        Assert.Equal(ModelStoreError.InvalidLayout, Assert.Throws<ModelStoreException>(() => Sha256Sums.Read(list)).Error);
    }
}
