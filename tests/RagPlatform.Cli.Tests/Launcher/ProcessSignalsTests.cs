using System.Diagnostics;
using RagPlatform.Launcher;

namespace RagPlatform.Cli.Tests.Launcher;

[Trait("Category", "Unit")]
public sealed class ProcessSignalsTests
{
    [Fact]
    public void IsRunning_OnlyWhenThePidRunsTheNamedHost()
    {
        var self = Environment.ProcessId;
        var ownDll = Path.GetFileName(Environment.GetCommandLineArgs()[0]);

        Assert.True(ProcessSignals.IsRunning(self, ownDll));
        // A live pid running something else (a recycled pid) is not ours.
        Assert.False(ProcessSignals.IsRunning(self, "RagPlatform.Gateway.dll"));
        Assert.False(ProcessSignals.IsRunning(0, ownDll));
    }

    [Fact]
    public async Task WaitForExitAsync_ProcessThatEnds_ReturnsTrue()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "0.2") { UseShellExecute = false })!;

        var gone = await ProcessSignals.WaitForExitAsync(sleeper.Id, "sleep", TimeSpan.FromSeconds(20), CancellationToken.None);

        Assert.True(gone);
    }
}
