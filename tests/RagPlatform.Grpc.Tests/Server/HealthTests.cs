using Grpc.Health.V1;
using RagPlatform.Contracts.Clients;
using RagPlatform.Grpc.Tests.Infrastructure;

namespace RagPlatform.Grpc.Tests.Server;

/// <summary>grpc.health.v1 served by MapGrpcHealth, called through the typed HealthClient.</summary>
[Trait("Category", "Unit")]
public sealed class HealthTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Check_WholeServer_IsServing()
    {
        using var channel = fixture.Server.CreateChannel();

        var status = await new HealthClient(channel).CheckAsync().DefaultTimeout();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);
    }

    [Fact]
    public async Task Check_UnknownService_IsNotFound()
    {
        using var channel = fixture.Server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => new HealthClient(channel).CheckAsync("no.such.Service").DefaultTimeout());

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Check_AfterSetStatus_ReportsIt()
    {
        using var channel = fixture.Server.CreateChannel();
        fixture.Server.Health.SetStatus("rag.v1.Embedder", ServingStatus.NotServing);

        var status = await new HealthClient(channel).CheckAsync("rag.v1.Embedder").DefaultTimeout();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, status);
    }

    [Fact]
    public async Task Watch_StreamsCurrentStatusThenEveryChange()
    {
        using var channel = fixture.Server.CreateChannel();
        var service = "watched." + Guid.NewGuid().ToString("N");
        using var call = new HealthClient(channel).Watch(service);
        await using var updates = call.ResponseStream.GetAsyncEnumerator();

        Assert.True(await updates.MoveNextAsync().AsTask().DefaultTimeout());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.ServiceUnknown, updates.Current.Status);
        fixture.Server.Health.SetStatus(service, ServingStatus.Serving);
        Assert.True(await updates.MoveNextAsync().AsTask().DefaultTimeout());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, updates.Current.Status);
        fixture.Server.Health.SetStatus(service, ServingStatus.Serving);
        fixture.Server.Health.SetStatus(service, ServingStatus.NotServing);
        Assert.True(await updates.MoveNextAsync().AsTask().DefaultTimeout());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, updates.Current.Status);
    }

    [Fact]
    public async Task Watch_EndedByTheClient_IsNotLoggedAsAnError()
    {
        using var channel = fixture.Server.CreateChannel();
        var call = new HealthClient(channel).Watch();
        await using (var updates = call.ResponseStream.GetAsyncEnumerator())
        {
            Assert.True(await updates.MoveNextAsync().AsTask().DefaultTimeout());
        }

        call.Dispose();
        await Task.Delay(200);

        Assert.Empty(fixture.Server.Logs.Errors);
    }
}
