using System.Diagnostics;
using RagPlatform.Cli.Platform;
using RagPlatform.Cli.Tests.Infrastructure;

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
    public void IsRunning_OnlyWhenThePidRunsTheNamedHost()
    {
        var self = Environment.ProcessId;
        var ownDll = Path.GetFileName(Environment.GetCommandLineArgs()[0]);

        Assert.True(ProcessControl.IsRunning(self, ownDll));
        // A live pid running something else (a recycled pid) is not ours.
        Assert.False(ProcessControl.IsRunning(self, "RagPlatform.Gateway.dll"));
        Assert.False(ProcessControl.IsRunning(0, ownDll));
    }

    [Fact]
    public async Task WaitForExitAsync_ProcessThatEnds_ReturnsTrue()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "0.2") { UseShellExecute = false })!;

        var gone = await ProcessControl.WaitForExitAsync(sleeper.Id, "sleep", TimeSpan.FromSeconds(20), CancellationToken.None);

        Assert.True(gone);
    }

    [Fact]
    public void PortAssignment_BusyPort_IsRefusedBeforeAnythingStarts()
    {
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;

        var failure = Assert.Throws<RagPlatform.Cli.CommandLine.CliException>(() => PortAssignment.Choose(port, 0));

        Assert.Contains($"Port {port} (for the gateway) is in use", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WiresServicesTheWayRunningPlatformDoes()
    {
        using var temp = new TemporaryDirectory();
        var ports = new PortAssignment(new Dictionary<string, int> { ["embedder"] = 1001, ["reranker"] = 1002, ["generator"] = 1003, ["orchestrator"] = 1004, ["gateway"] = 1005 });
        var hosts = PlatformService.All.ToDictionary(s => s.Name, s => $"/b/{s.Project}/{s.AssemblyName}.dll");
        var plan = new PlatformPlan(new RagPlatform.Cli.CommandLine.RagHome(temp.Path), hosts, "/models", new Dictionary<string, string>(), "/data", ports, "rag_admin", "token-0123456789abcdef");

        var embedder = plan.Launch(PlatformService.Embedder).Environment;
        var orchestrator = plan.Launch(PlatformService.Orchestrator).Environment;
        var gateway = plan.Launch(PlatformService.Gateway).Environment;

        Assert.Equal("http://127.0.0.1:1001", embedder["Grpc__Url"]);
        Assert.Equal("/models/minilm-embedder", embedder["Embedder__ModelDirectory"]);
        Assert.Equal("http://127.0.0.1:1003", orchestrator["Downstream__Generator__Url"]);
        Assert.Equal("/data/orchestrator", orchestrator["Orchestrator__DataDirectory"]);
        Assert.Equal("http://127.0.0.1:1005", gateway["Gateway__Url"]);
        Assert.Equal("http://127.0.0.1:1004", gateway["Gateway__OrchestratorUrl"]);
        Assert.Equal("rag_admin", gateway["Gateway__BootstrapApiKey"]);
        Assert.All(new[] { embedder, orchestrator, gateway }, e => Assert.Equal("token-0123456789abcdef", e["Grpc__SharedToken"]));
        Assert.Equal(Path.Combine(temp.Path, "logs", "gateway.log"), plan.Launch(PlatformService.Gateway).LogFile);
    }

    [Fact]
    public void LogTail_ShowsOnlyTheLatestStart()
    {
        using var temp = new TemporaryDirectory();
        var log = temp.File("generator.log", $"{LogTail.StartMarker}generator at t1 ===\nold failure\n\n{LogTail.StartMarker}generator at t2 ===\nline 1\nline 2\nline 3\n");

        Assert.Equal(["line 1", "line 2", "line 3"], LogTail.Read(log, 10));
        Assert.Equal(["line 3"], LogTail.Read(log, 1));
        Assert.Empty(LogTail.Read(Path.Combine(temp.Path, "missing.log"), 10));
    }
}
