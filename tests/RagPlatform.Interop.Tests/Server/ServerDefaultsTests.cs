using Grpc.Core;
using Grpc.Reflection.V1Alpha;
using RagPlatform.Interop.Tests.Infrastructure;
using RagPlatform.Interop.Tests.Protos;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.Interop.Tests.Server;

/// <summary>What AddGrpcServer adds to grpc-dotnet, seen from a client: strict parsing, the token, detailed errors.</summary>
[Trait("Category", "Unit")]
public sealed class ServerDefaultsTests
{
    [Theory]
    [InlineData(new byte[] { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff })] // unterminated varint
    [InlineData(new byte[] { 0x0d, 0x01, 0x02 })] // fixed32 cut short
    public async Task MalformedRequest_InternalNamingTheMessage_NeverUnknown(byte[] message)
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var http = GrpcTestServer.CreateRawClient();

        var response = await RawGrpc.PostAsync(http, $"{server.Address}/ragtest.v1.InteropTest/Echo", RawGrpc.Frame(message));

        Assert.Equal("13", response.GrpcStatus);
        Assert.StartsWith("The request is not a valid EchoRequest", response.GrpcMessage, StringComparison.Ordinal);
        Assert.Empty(server.Logs.Errors);
    }

    [Fact]
    public async Task HandlerCrash_DetailedErrorsOn_TheExceptionIsInTheStatus()
    {
        await using var server = await GrpcTestServer.StartAsync(o => o.EnableDetailedErrors = true);
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(() => new InteropTest.InteropTestClient(channel).EchoAsync(new EchoRequest { Crash = true }).DefaultTimeout());

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Contains("InvalidOperationException: The test service crashed on purpose.", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reflection_WithATokenConfigured_RequiresIt()
    {
        const string token = "reflection-token-0123456789";
        await using var server = await GrpcTestServer.StartAsync(o => o.SharedToken = token);
        using var channel = server.CreateChannel();
        var reflection = new ServerReflection.ServerReflectionClient(channel);

        var refused = await Assert.ThrowsAsync<RpcException>(() => ListServicesAsync(reflection, new Metadata()));
        var listed = await ListServicesAsync(reflection, new Metadata { { "authorization", "Bearer " + token } });

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("ragtest.v1.InteropTest", listed);
    }

    [Fact]
    public void Options_BadValues_EachNamesItsKey()
    {
        var failures = new GrpcServerOptions { MaxReceiveMessageSize = 0, Url = "ftp://x", SharedToken = "short" }.Validate().ToList();

        Assert.Contains(failures, f => f.StartsWith("Grpc:MaxReceiveMessageSize", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Grpc:Url", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Grpc:SharedToken", StringComparison.Ordinal));
    }

    private static async Task<List<string>> ListServicesAsync(ServerReflection.ServerReflectionClient reflection, Metadata headers)
    {
        using var call = reflection.ServerReflectionInfo(headers, DateTime.UtcNow.Add(TestTimeouts.Default));
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        var names = new List<string>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            names.AddRange(response.ListServicesResponse.Service.Select(s => s.Name));
        }

        return names;
    }
}
