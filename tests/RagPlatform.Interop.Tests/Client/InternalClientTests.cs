using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RagPlatform.Interop.Tests.Infrastructure;
using RagPlatform.Interop.Tests.Protos;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.Interop.Tests.Client;

/// <summary>The platform's typed clients (AddInternalGrpcClient) against real servers: token, balancing over replicas.</summary>
[Trait("Category", "Unit")]
public sealed class InternalClientTests
{
    private const string Token = "client-test-token-0123456789";

    [Fact]
    public async Task StaticAddresses_CallsSpreadRoundRobinOverEveryReplica()
    {
        await using var first = await GrpcTestServer.StartAsync();
        await using var second = await GrpcTestServer.StartAsync();
        await using var services = Services(_ => new GrpcClientTarget("", [first.Address, second.Address]));
        var client = services.GetRequiredService<InteropTest.InteropTestClient>();

        for (var i = 0; i < 20; i++)
        {
            await client.EchoAsync(new EchoRequest { CallId = $"call-{i}" }).DefaultTimeout();
        }

        Assert.Equal(20, first.Recorder.Count + second.Recorder.Count);
        Assert.InRange(first.Recorder.Count, 5, 15);
    }

    [Fact]
    public async Task DnsAddress_ResolvesAndCalls()
    {
        await using var server = await GrpcTestServer.StartAsync();
        await using var services = Services(_ => new GrpcClientTarget($"dns:///127.0.0.1:{new Uri(server.Address).Port}"));

        var reply = await services.GetRequiredService<InteropTest.InteropTestClient>().EchoAsync(new EchoRequest { Message = "via dns" }).DefaultTimeout();

        Assert.Equal("via dns", reply.Message);
    }

    [Fact]
    public async Task SharedToken_SentAsCallCredentials()
    {
        await using var server = await GrpcTestServer.StartAsync(o => o.SharedToken = Token);
        await using var withToken = Services(_ => new GrpcClientTarget(server.Address), Token);
        await using var withoutToken = Services(_ => new GrpcClientTarget(server.Address));

        var reply = await withToken.GetRequiredService<InteropTest.InteropTestClient>().EchoAsync(new EchoRequest { Message = "let in" }).DefaultTimeout();
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            withoutToken.GetRequiredService<InteropTest.InteropTestClient>().EchoAsync(new EchoRequest()).DefaultTimeout());

        Assert.Equal("let in", reply.Message);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    private static ServiceProvider Services(Func<IServiceProvider, GrpcClientTarget> target, string? token = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([KeyValuePair.Create("Grpc:SharedToken", token)])
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddInternalGrpcClient<InteropTest.InteropTestClient>("interop", target);
        return services.BuildServiceProvider();
    }
}
