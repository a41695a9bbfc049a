using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using RagPlatform.Contracts.V1;

namespace RagPlatform.Orchestrator.Tests.Platform;

/// <summary>With Grpc:SharedToken set, the internal services refuse callers without it and the platform still works.</summary>
[Trait("Category", "EndToEnd")]
public sealed class InternalTokenTests : IAsyncLifetime
{
    private const string Token = "internal-token-for-tests-0123456789";
    private readonly string _data = Directory.CreateTempSubdirectory("rag-token-").FullName;
    private RunningPlatform _platform = null!;

    public async Task InitializeAsync() =>
        _platform = await RunningPlatform.StartAsync(new PlatformOptions(_data) { SharedToken = Token });

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Theory]
    [InlineData(PlatformService.Embedder)]
    [InlineData(PlatformService.Orchestrator)]
    public async Task CallWithoutTheToken_Unauthenticated_HealthStillAnswers(PlatformService service)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_platform.Port(service)}");
        var deadline = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10));

        var error = await Assert.ThrowsAsync<RpcException>(() => service == PlatformService.Embedder
            ? new Contracts.V1.Embedder.EmbedderClient(channel).InfoAsync(new InfoRequest(), deadline).ResponseAsync
            : new Collections.CollectionsClient(channel).ListCollectionsAsync(new ListCollectionsRequest(), deadline).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.NotEqual(HealthCheckResponse.Types.ServingStatus.Unknown, (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline)).Status);
    }

    [Fact]
    public async Task WrongToken_Unauthenticated()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_platform.Port(PlatformService.Generator)}");
        var wrongToken = new Metadata { { "authorization", "Bearer not-the-internal-token-at-all" } };

        var error = await Assert.ThrowsAsync<RpcException>(() => new Contracts.V1.Generator.GeneratorClient(channel)
            .InfoAsync(new InfoRequest(), wrongToken, DateTime.UtcNow.AddSeconds(10)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task PlatformWithToken_UploadAndAskWork()
    {
        var gateway = _platform.CreateGatewayClient();
        await gateway.CreateCollectionAsync("secure");
        await gateway.UploadDocumentAsync("secure", new RagPlatform.Client.UploadFile("a.txt", "Copper conducts electricity well."u8.ToArray()));
        Assert.Equal(RagPlatform.Client.DocumentStates.Indexed, (await gateway.WaitUntilSettledAsync("secure", TimeSpan.FromSeconds(60))).Single().State);

        var answer = await gateway.AskAsync(new RagPlatform.Client.AskRequest("secure", "What conducts electricity?") { MaxTokens = 4 });

        Assert.NotEmpty(answer.Citations);
        using var anonymous = _platform.CreateClient(apiKey: "rag_wrong_key_that_is_long_enough_000");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/collections")).StatusCode);

        // Nothing any service printed holds a secret: not the admin key, not a rejected key, not the internal token.
        foreach (var service in PlatformServices.All)
        {
            var output = _platform[service].Output;
            Assert.DoesNotContain(_platform.ApiKey, output, StringComparison.Ordinal);
            Assert.DoesNotContain("rag_wrong_key_that_is_long_enough_000", output, StringComparison.Ordinal);
            Assert.DoesNotContain(Token, output, StringComparison.Ordinal);
        }
    }
}
