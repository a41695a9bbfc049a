using Google.Protobuf;
using RagPlatform.Grpc.Tests.Infrastructure;
using RagPlatform.Grpc.Tests.Protos;

namespace RagPlatform.Grpc.Tests.Server;

/// <summary>Hand-made broken requests: each gets a clean status, none crashes or logs an Error.</summary>
[Trait("Category", "Unit")]
public sealed class MalformedRequestTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private string EchoUrl => fixture.Server.Address + "/ragtest.v1.InteropTest/Echo";

    public static TheoryData<string, byte[], string, string> BrokenBodies()
    {
        var valid = RawGrpc.Frame(new EchoRequest { Message = "ok" });
        return new TheoryData<string, byte[], string, string>
        {
            { "empty body", [], "13", "ended without a message" },
            { "truncated prefix", [0, 0, 0], "13", "inside a message frame" },
            { "length past end", [0, 0, 0, 0, 50, 1, 2, 3], "13", "inside a message frame" },
            { "bad protobuf", RawGrpc.Frame([0x0A, 0xFF, 0xFF, 0xFF]), "13", "Error parsing EchoRequest" },
            { "flag 2", [2, 0, 0, 0, 0], "13", "Invalid compressed flag" },
            { "two messages", [.. valid, .. valid], "13", "Additional data after the request message" },
            { "compressed without grpc-encoding", RawGrpc.Frame(new EchoRequest { Message = "ok" }, flag: 1), "13", "without a grpc-encoding" },
        };
    }

    [Theory]
    [MemberData(nameof(BrokenBodies))]
    public async Task BrokenRequest_GetsInternalWithAMessage(string name, byte[] body, string expectedStatus, string expectedMessage)
    {
        using var client = GrpcTestServer.CreateRawClient();

        var response = await RawGrpc.PostAsync(client, EchoUrl, body);

        Assert.True(response.HttpStatus == 200, name);
        Assert.Equal(expectedStatus, response.GrpcStatus);
        Assert.Contains(expectedMessage, response.GrpcMessage);
        Assert.Empty(fixture.Server.Logs.Errors);
    }

    [Fact]
    public async Task CompressedWithUnsupportedEncoding_IsUnimplementedAndAdvertisesWhatIsSupported()
    {
        using var client = GrpcTestServer.CreateRawClient();

        var response = await RawGrpc.PostAsync(client, EchoUrl, RawGrpc.Frame(new EchoRequest().ToByteArray(), flag: 1), headers: ("grpc-encoding", "snappy"));

        Assert.Equal("12", response.GrpcStatus);
        Assert.Contains("snappy", response.GrpcMessage);
    }

    [Fact]
    public async Task AfterBrokenRequests_TheServerStillServes()
    {
        using var client = GrpcTestServer.CreateRawClient();
        await RawGrpc.PostAsync(client, EchoUrl, [0, 0, 0, 0, 50, 1]);
        using var channel = fixture.Server.CreateChannel();

        var reply = await channel.UnaryAsync(TestMethods.Echo, new EchoRequest { Message = "still here" }).DefaultTimeout();

        Assert.Equal("still here", reply.Message);
    }

    [Fact]
    public async Task InvalidTimeoutHeader_IsIgnored()
    {
        using var client = GrpcTestServer.CreateRawClient();

        var response = await RawGrpc.PostAsync(client, EchoUrl, RawGrpc.Frame(new EchoRequest { Message = "x" }), headers: ("grpc-timeout", "soon"));

        Assert.Equal("0", response.GrpcStatus);
    }
}
