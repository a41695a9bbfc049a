using RagPlatform.Cli.Platform;
using RagPlatform.Cli.Tests.Infrastructure;
using RagPlatform.Launcher;

namespace RagPlatform.Cli.Tests.Platform;

[Trait("Category", "Unit")]
public sealed class PlatformFilesTests
{
    [Fact]
    public void SecretFile_FirstCall_CreatesOwnerOnlyFile_LaterCallsReuseIt()
    {
        using var temp = new TemporaryDirectory();
        var path = Path.Combine(temp.Path, "api-key");

        var (created, isNew) = SecretFile.ReadOrCreate(path, "rag_");
        var (again, isNewAgain) = SecretFile.ReadOrCreate(path, "rag_");

        Assert.True(isNew);
        Assert.False(isNewAgain);
        Assert.Equal(created, again);
        Assert.Matches("^rag_[0-9a-f]{64}$", created);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void Record_WrittenAndRead_PlansTheSamePlatformAgain()
    {
        using var temp = new TemporaryDirectory();
        var options = new PlatformOptions("/data")
        {
            HostDlls = PlatformServices.All.ToDictionary(s => s, s => $"/b/{s.Project}/{s.HostDllName}"),
            ModelsDirectory = "/models",
            ModelDirectories = new Dictionary<PlatformService, string> { [PlatformService.Embedder] = "/real/arctic-embed-xs" },
            Ports = new Dictionary<ServiceInstance, int> { [PlatformService.Gateway] = 18080 },
            ApiKey = "rag_admin_0123456789abcdefghij",
            SharedToken = "token-0123456789abcdef",
        };
        var plan = PlatformPlan.Create(options);
        var path = Path.Combine(temp.Path, "platform.json");
        PlatformRecord.Of(plan, options).WithPid(PlatformService.Reranker, 4242).Write(path);

        var record = PlatformRecord.Read(path)!;
        var again = PlatformPlan.Create(record.Options(options.ApiKey, options.SharedToken));

        Assert.Equal("http://127.0.0.1:18080", record.GatewayUrl);
        Assert.Equal(4242, record.Services.Single(s => s.Name == "reranker").Pid);
        Assert.Equal(plan.Services.Select(s => (s.Instance, s.Port, s.HostDll)), again.Services.Select(s => (s.Instance, s.Port, s.HostDll)));
        Assert.All(plan.Services, s => Assert.Equal(s.Environment, again[s.Instance].Environment));
        Assert.Equal("/real/arctic-embed-xs", again[PlatformService.Embedder].Environment["Embedder__ModelDirectory"]);
        // Without the token file the services would be started without the token their peers require.
        Assert.Null(PlatformPlan.Create(record.Options(options.ApiKey, null)).Services[0].Environment["Grpc__SharedToken"]);
    }
}
