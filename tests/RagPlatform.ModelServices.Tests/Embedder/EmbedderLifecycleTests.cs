using Grpc.Core;
using Grpc.Health.V1;
using RagPlatform.Contracts.V1;
using RagPlatform.ModelServices.Tests.Infrastructure;
using RagPlatform.Testing;

namespace RagPlatform.ModelServices.Tests.Embedder;

/// <summary>Start-up, readiness and shutdown of the real Embedder process: each test starts its own.</summary>
[Trait("Category", "EndToEnd")]
public sealed class EmbedderLifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public Task InitializeAsync() => ModelServiceHosts.EnsureAssetsAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Health_BeforeModelIsWarm_NotServingAndCallsUnavailable_ThenServing()
    {
        await using var service = ServiceProcess.Launch(ModelServiceHosts.Embedder(("Embedder__WarmupDelay", "00:00:03")));
        await service.WaitForListeningAsync(Bound);
        var health = new Health.HealthClient(service.Channel);
        var embedder = new Contracts.V1.Embedder.EmbedderClient(service.Channel);

        var early = (await health.CheckAsync(new HealthCheckRequest { Service = "rag.v1.Embedder" }, Calls.Bounded())).Status;
        var earlyCall = await Calls.FailureOf(() => embedder.EmbedAsync(new EmbedRequest { Texts = { "too soon" } }, Calls.Bounded()));
        await service.WaitForStatusAsync(HealthCheckResponse.Types.ServingStatus.Serving, Bound);
        var response = await embedder.EmbedAsync(new EmbedRequest { Texts = { "now" } }, Calls.Bounded());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, early);
        Assert.Equal(StatusCode.Unavailable, earlyCall.StatusCode);
        Assert.Contains("still loading", earlyCall.Detail, StringComparison.Ordinal);
        Assert.Single(response.Embeddings);
    }

    [Fact]
    public async Task Start_MissingModelDirectory_ExitsNonZeroNamingTheFix()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-model-{Guid.NewGuid():N}");
        await using var service = ServiceProcess.Launch(ModelServiceHosts.Embedder(("Embedder__ModelDirectory", missing)));

        var exitCode = await service.WaitForExitAsync(Bound);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(missing, service.Output, StringComparison.Ordinal);
        Assert.Contains("scripts/forge-models.sh", service.Output, StringComparison.Ordinal);
        Assert.Contains("Embedder:ModelDirectory", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_CudaWithoutTheGpuPackage_ExitsNonZeroNamingThePackage()
    {
        await using var service = ServiceProcess.Launch(ModelServiceHosts.Embedder(("OnnxRuntime__ExecutionProvider", "Cuda")));

        var exitCode = await service.WaitForExitAsync(Bound);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", service.Output, StringComparison.Ordinal);
        Assert.Contains("OnnxRuntime:ExecutionProvider", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InvalidSessionSetting_ExitsNonZeroNamingTheKey()
    {
        await using var service = ServiceProcess.Launch(ModelServiceHosts.Embedder(("Embedder__InterOpThreads", "-1")));

        var exitCode = await service.WaitForExitAsync(Bound);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Embedder:InterOpThreads", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_DuringInFlightCalls_LetsThemFinishAndExitsCleanly()
    {
        await using var service = await ServiceProcess.StartAsync(ModelServiceHosts.Embedder(
            ("Logging__LogLevel__RagPlatform.Embedder.Batching", "Debug"),
            ("Embedder__MaxBatchSize", "8")));
        var embedder = new Contracts.V1.Embedder.EmbedderClient(service.Channel);
        var text = string.Join(' ', Enumerable.Repeat("in flight during shutdown", 40));
        var calls = Enumerable.Range(0, 16)
            .Select(i => embedder.EmbedAsync(new EmbedRequest { Texts = { Enumerable.Repeat($"{i} {text}", 64) } }, Calls.Bounded()).ResponseAsync)
            .ToArray();

        await service.WaitForOutputAsync(line => line.Contains("Embedded a batch of", StringComparison.Ordinal), Bound);
        service.Terminate();
        var responses = await Task.WhenAll(calls).WaitAsync(Bound);
        var exitCode = await service.WaitForExitAsync(Bound);

        Assert.All(responses, r => Assert.Equal(64, r.Embeddings.Count));
        Assert.Equal(0, exitCode);
        Assert.Contains(service.OutputLines, l => l.Contains("Application is shutting down", StringComparison.Ordinal));
    }
}
