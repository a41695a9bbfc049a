using System.Net;
using RagPlatform.Client;
using RagPlatform.Launcher;
using RagPlatform.Testing;

namespace RagPlatform.Cli.Tests.Launcher;

/// <summary>The launcher running two gateways over one orchestrator as real processes: each its own port, data and health check.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ReplicaLaunchTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task TwoGateways_EachServes_OneKilledAndRestarted_TheOtherUntouched()
    {
        var data = Directory.CreateTempSubdirectory("rag-replicas-");
        try
        {
            await using var platform = await RunningPlatform.StartAsync(new PlatformOptions(data.FullName) { Gateways = 2 }).WaitAsync(Bound);
            var second = new ServiceInstance(PlatformService.Gateway, 1);
            var first = platform.CreateGatewayClient();
            var other = platform.CreateGatewayClient(gateway: 1);

            await first.CreateCollectionAsync("shared").WaitAsync(Bound);
            Assert.Equal("shared", (await other.GetCollectionAsync("shared").WaitAsync(Bound)).Name);
            Assert.NotEqual(platform.Port(PlatformService.Gateway), platform.Port(second));
            Assert.True(Directory.Exists(Path.Combine(data.FullName, "gateway-2")));

            var firstPid = platform[PlatformService.Gateway].Pid;
            await platform.KillAsync(second).WaitAsync(Bound);
            var down = await GatewayOutcome.OfAsync(() => other.ListCollectionsAsync()).WaitAsync(Bound);
            Assert.Null(down.Status);
            Assert.Single(await first.ListCollectionsAsync().WaitAsync(Bound));

            await platform.StartServiceAsync(second).WaitAsync(Bound);
            var statuses = await platform.Launcher.StatusAsync(CancellationToken.None).WaitAsync(Bound);

            Assert.Equal(6, statuses.Count);
            Assert.All(statuses, s => Assert.True(s.Health.Healthy, $"{s.Launch.Instance}: {s.Health.Detail}"));
            Assert.Equal(firstPid, platform[PlatformService.Gateway].Pid);
            Assert.Single(await other.ListCollectionsAsync().WaitAsync(Bound));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
