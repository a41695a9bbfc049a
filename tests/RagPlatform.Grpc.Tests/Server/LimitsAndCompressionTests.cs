using Google.Protobuf;
using RagPlatform.Grpc.Tests.Infrastructure;
using RagPlatform.Grpc.Tests.Protos;

namespace RagPlatform.Grpc.Tests.Server;

[Trait("Category", "Unit")]
public sealed class LimitsAndCompressionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const int FiveMiB = 5 * 1024 * 1024;

    private GrpcTestServer Server => fixture.Server;

    [Fact]
    public async Task Request_OverServerReceiveLimit_IsResourceExhausted()
    {
        using var channel = Server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(TestMethods.Echo, new EchoRequest { Payload = ByteString.CopyFrom(new byte[FiveMiB]) }).DefaultTimeout());

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Request_OverClientSendLimit_FailsBeforeReachingTheServer()
    {
        using var channel = Server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 1000 });
        var callId = Guid.NewGuid().ToString();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(TestMethods.Echo, new EchoRequest { CallId = callId, Payload = ByteString.CopyFrom(new byte[2000]) }).DefaultTimeout());

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        var record = await channel.UnaryAsync(TestMethods.GetCallRecord, new CallRecordRequest { CallId = callId, WaitMs = 100 }).DefaultTimeout();
        Assert.False(record.Seen);
    }

    [Fact]
    public async Task Response_OverClientReceiveLimit_IsResourceExhausted()
    {
        using var channel = Server.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = 1024 * 1024 });

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(TestMethods.Echo, new EchoRequest { ReplyPayloadSize = 2 * 1024 * 1024 }).DefaultTimeout());

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Response_OverServerSendLimit_IsResourceExhausted()
    {
        await using var server = await GrpcTestServer.StartAsync(o => o.MaxSendMessageSize = 10_000);
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(TestMethods.Echo, new EchoRequest { ReplyPayloadSize = 20_000 }).DefaultTimeout());

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Empty(server.Logs.Errors);
    }

    [Fact]
    public async Task Messages_JustUnderTheLimits_GoThrough()
    {
        using var channel = Server.CreateChannel();

        var reply = await channel.UnaryAsync(TestMethods.Echo, new EchoRequest { Payload = ByteString.CopyFrom(new byte[3 * 1024 * 1024]) }).DefaultTimeout();

        Assert.Equal(3 * 1024 * 1024, reply.Payload.Length);
    }

    [Fact]
    public async Task Request_Compressed_ServerDecompressesIt()
    {
        using var channel = Server.CreateChannel(new GrpcChannelOptions { RequestCompression = GrpcCompression.Gzip });

        var reply = await channel.UnaryAsync(TestMethods.Echo, new EchoRequest { Message = new string('q', 100_000) }).DefaultTimeout();

        Assert.Equal("gzip", reply.RequestEncoding);
        Assert.Equal(100_000, reply.Message.Length);
    }

    [Fact]
    public async Task Request_CompressionOffPerCall_IsSentPlain()
    {
        using var channel = Server.CreateChannel(new GrpcChannelOptions { RequestCompression = GrpcCompression.Gzip });

        var reply = await channel.UnaryAsync(TestMethods.Echo, new EchoRequest { Message = "x" }, new CallOptions(WriteCompressed: false)).DefaultTimeout();

        Assert.Equal("", reply.RequestEncoding);
    }

    [Fact]
    public async Task Response_ServerCompresses_WhenConfiguredAndAccepted()
    {
        await using var server = await GrpcTestServer.StartAsync(o => o.ResponseCompression = GrpcCompression.Gzip);
        using var client = GrpcTestServer.CreateRawClient();

        var accepted = await RawGrpc.PostAsync(client, server.Address + "/ragtest.v1.InteropTest/Echo", RawGrpc.Frame(new EchoRequest { ReplyPayloadSize = 50_000 }), headers: ("grpc-accept-encoding", "identity,gzip"));
        var notAccepted = await RawGrpc.PostAsync(client, server.Address + "/ragtest.v1.InteropTest/Echo", RawGrpc.Frame(new EchoRequest { ReplyPayloadSize = 50_000 }));

        Assert.Equal("gzip", accepted.GrpcEncoding);
        Assert.Equal(1, accepted.Body[0]);
        Assert.True(accepted.Body.Length < 5_000);
        Assert.Equal(0, notAccepted.Body[0]);
        Assert.True(notAccepted.Body.Length > 50_000);
    }

    [Fact]
    public async Task Response_Compressed_ClientDecompressesUnaryAndStreams()
    {
        await using var server = await GrpcTestServer.StartAsync(o => o.ResponseCompression = GrpcCompression.Gzip);
        using var channel = server.CreateChannel();

        var reply = await channel.UnaryAsync(TestMethods.Echo, new EchoRequest { ReplyPayloadSize = 50_000 }).DefaultTimeout();
        using var call = channel.ServerStreaming(TestMethods.StreamNumbers, new StreamRequest { Count = 5, PayloadSize = 10_000 });
        var messages = await call.ResponseStream.ToListAsync();

        Assert.Equal(50_000, reply.Payload.Length);
        Assert.Equal(5, messages.Count);
        Assert.All(messages, m => Assert.Equal(10_000, m.Payload.Length));
    }
}
