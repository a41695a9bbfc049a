using Google.Protobuf;
using RagPlatform.Grpc.Tests.Infrastructure;
using RagPlatform.Grpc.Tests.Protos;

namespace RagPlatform.Grpc.Tests.Server;

/// <summary>Our client against our server over real HTTP/2 on loopback.</summary>
[Trait("Category", "Unit")]
public sealed class TransportTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private GrpcTestServer Server => fixture.Server;

    [Fact]
    public async Task Unary_Echo_ReturnsTheReply()
    {
        using var channel = Server.CreateChannel();

        var reply = await channel.UnaryAsync(TestMethods.Echo, new EchoRequest { Message = "hello", Payload = ByteString.CopyFromUtf8("bytes") }).DefaultTimeout();

        Assert.Equal("hello", reply.Message);
        Assert.Equal("bytes", reply.Payload.ToStringUtf8());
        Assert.Equal("", reply.RequestEncoding);
        Assert.Equal(-1, reply.DeadlineRemainingMs);
    }

    [Fact]
    public async Task Unary_RpcExceptionWithNonAsciiDetail_ArrivesIntactWithTrailers()
    {
        using var channel = Server.CreateChannel();
        var headers = new Metadata { { "x-meta-reason", "why" } };

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(
            TestMethods.Echo,
            new EchoRequest { FailCode = (int)StatusCode.InvalidArgument, FailMessage = "données invalides — 日本語" },
            new CallOptions(Headers: headers)).DefaultTimeout());

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("données invalides — 日本語", ex.Status.Detail);
        Assert.Equal("why", ex.Trailers.GetValue("x-trailer-reason"));
    }

    [Fact]
    public async Task Unary_HandlerThrowsUnexpectedException_IsUnknownWithoutDetailsAndLoggedAsError()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestMethods.Echo, new EchoRequest { Crash = true }).DefaultTimeout());

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.Equal("Exception was thrown by handler.", ex.Status.Detail);
        var error = Assert.Single(server.Logs.Errors);
        Assert.Contains("/ragtest.v1.InteropTest/Echo", error.Message);
        Assert.IsType<InvalidOperationException>(error.Exception);
    }

    [Fact]
    public async Task Unary_HandlerThrowsWithDetailedErrors_IncludesExceptionMessage()
    {
        await using var server = await GrpcTestServer.StartAsync(o => o.EnableDetailedErrors = true);
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestMethods.Echo, new EchoRequest { Crash = true }).DefaultTimeout());

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.Equal("Exception was thrown by handler. InvalidOperationException: The test service crashed on purpose.", ex.Status.Detail);
    }

    [Fact]
    public async Task ServerStreaming_CountMessages_ArriveInOrderThenOk()
    {
        using var channel = Server.CreateChannel();
        using var call = channel.ServerStreaming(TestMethods.StreamNumbers, new StreamRequest { Count = 25 });

        var messages = await call.ResponseStream.ToListAsync();

        Assert.Equal(Enumerable.Range(0, 25), messages.Select(m => m.Index));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStreaming_NoMessages_EndsOk()
    {
        using var channel = Server.CreateChannel();
        using var call = channel.ServerStreaming(TestMethods.StreamNumbers, new StreamRequest { Count = 0 });

        Assert.Empty(await call.ResponseStream.ToListAsync());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStreaming_FailsAfterSomeMessages_DeliversThemThenTheStatus()
    {
        using var channel = Server.CreateChannel();
        using var call = channel.ServerStreaming(TestMethods.StreamNumbers, new StreamRequest { Count = 10, FailAfter = 3, FailCode = (int)StatusCode.Aborted, FailMessage = "stopped — 途中" });
        var received = new List<int>();

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var message in call.ResponseStream)
            {
                received.Add(message.Index);
            }
        }).DefaultTimeout();

        Assert.Equal([0, 1, 2], received);
        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.Equal("stopped — 途中", ex.Status.Detail);
        Assert.Equal(StatusCode.Aborted, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Metadata_CustomAndBinaryHeaders_AreEchoedAsHeadersAndTrailers()
    {
        using var channel = Server.CreateChannel();
        var headers = new Metadata { { "x-meta-tenant", "acme" }, { "x-meta-blob-bin", new byte[] { 0, 1, 2, 255 } } };

        using var call = channel.UnaryCall(TestMethods.Echo, new EchoRequest { Message = "m" }, new CallOptions(Headers: headers));
        var reply = await call.ResponseAsync.DefaultTimeout();
        var responseHeaders = await call.ResponseHeadersAsync.DefaultTimeout();

        Assert.Equal("acme", reply.Metadata["x-meta-tenant"]);
        Assert.Equal(Convert.ToBase64String([0, 1, 2, 255]), reply.Metadata["x-meta-blob-bin"]);
        Assert.Equal("acme", responseHeaders.GetValue("x-meta-tenant"));
        Assert.Equal([0, 1, 2, 255], responseHeaders.GetValueBytes("x-meta-blob-bin"));
        Assert.Equal("acme", call.GetTrailers().GetValue("x-trailer-tenant"));
        Assert.Equal([0, 1, 2, 255], call.GetTrailers().GetValueBytes("x-trailer-blob-bin"));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.DoesNotContain(call.GetTrailers(), e => e.Key.StartsWith("grpc-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deadline_IsPropagatedToTheServer()
    {
        using var channel = Server.CreateChannel();

        var reply = await channel.UnaryAsync(TestMethods.Echo, new EchoRequest(), new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(30))).DefaultTimeout();

        Assert.InRange(reply.DeadlineRemainingMs, 20_000, 30_000);
    }

    [Fact]
    public async Task Deadline_PassesWhileHandlerWaits_DeadlineExceededAndHandlerCancelled()
    {
        using var channel = Server.CreateChannel();
        await channel.UnaryAsync(TestMethods.Echo, new EchoRequest()).DefaultTimeout(); // connect first: the deadline/cancel timer should measure the call
        var callId = Guid.NewGuid().ToString();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(
            TestMethods.Echo, new EchoRequest { DelayMs = 30_000, CallId = callId }, new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(200))).DefaultTimeout());

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        var record = await channel.UnaryAsync(TestMethods.GetCallRecord, new CallRecordRequest { CallId = callId, WaitMs = 5000 }).DefaultTimeout();
        Assert.True(record.Ended && record.Cancelled);
    }

    [Fact]
    public async Task Deadline_AlreadyPassed_FailsWithoutCallingTheServer()
    {
        using var channel = Server.CreateChannel();
        var callId = Guid.NewGuid().ToString();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(
            TestMethods.Echo, new EchoRequest { CallId = callId }, new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(-1))).DefaultTimeout());

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        var record = await channel.UnaryAsync(TestMethods.GetCallRecord, new CallRecordRequest { CallId = callId, WaitMs = 100 }).DefaultTimeout();
        Assert.False(record.Seen);
    }

    [Fact]
    public async Task Deadline_ServerEnforcesItEvenWhenTheHandlerIgnoresCancellation()
    {
        // A raw client that does not enforce deadlines itself: only the server can end this call.
        using var client = GrpcTestServer.CreateRawClient();
        var body = RawGrpc.Frame(new EchoRequest { DelayMs = 3_000, IgnoreCancellation = true });

        var response = await RawGrpc.PostAsync(client, Server.Address + "/ragtest.v1.InteropTest/Echo", body, headers: ("grpc-timeout", "200m"));

        Assert.Equal("4", response.GrpcStatus);
        Assert.Equal("Deadline Exceeded", response.GrpcMessage);
    }

    [Fact]
    public async Task Cancellation_ClientCancels_CancelledAndTheServerObservesIt()
    {
        using var channel = Server.CreateChannel();
        await channel.UnaryAsync(TestMethods.Echo, new EchoRequest()).DefaultTimeout(); // connect first: the deadline/cancel timer should measure the call
        var callId = Guid.NewGuid().ToString();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(
            TestMethods.Echo, new EchoRequest { DelayMs = 30_000, CallId = callId }, new CallOptions(CancellationToken: cts.Token)).DefaultTimeout());

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        var record = await channel.UnaryAsync(TestMethods.GetCallRecord, new CallRecordRequest { CallId = callId, WaitMs = 5000 }).DefaultTimeout();
        Assert.True(record.Ended && record.Cancelled);
        Assert.Empty(Server.Logs.Errors);
    }

    [Fact]
    public async Task Cancellation_StreamDisposedMidway_ServerObservesIt()
    {
        using var channel = Server.CreateChannel();
        var callId = Guid.NewGuid().ToString();
        var call = channel.ServerStreaming(TestMethods.StreamNumbers, new StreamRequest { Count = 1000, IntervalMs = 20, CallId = callId });
        await using (var enumerator = call.ResponseStream.GetAsyncEnumerator())
        {
            Assert.True(await enumerator.MoveNextAsync().AsTask().DefaultTimeout());
        }

        call.Dispose();

        var record = await channel.UnaryAsync(TestMethods.GetCallRecord, new CallRecordRequest { CallId = callId, WaitMs = 5000 }).DefaultTimeout();
        Assert.True(record.Ended && record.Cancelled);
    }

    [Fact]
    public async Task Cancellation_EnumerationTokenCancelled_ThrowsCancelled()
    {
        using var channel = Server.CreateChannel();
        using var call = channel.ServerStreaming(TestMethods.StreamNumbers, new StreamRequest { Count = 1000, IntervalMs = 20 });
        using var cts = new CancellationTokenSource();

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var message in call.ResponseStream.WithCancellation(cts.Token))
            {
                if (message.Index == 2)
                {
                    await cts.CancelAsync();
                }
            }
        }).DefaultTimeout();

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
    }

    [Fact]
    public async Task Concurrency_HundredCallsOnOneChannel_AllSucceed()
    {
        using var channel = Server.CreateChannel();

        var replies = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            channel.UnaryAsync(TestMethods.Echo, new EchoRequest { Message = $"m{i}", DelayMs = 50 }))).DefaultTimeout();

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"m{i}"), replies.Select(r => r.Message));
    }

    [Fact]
    public async Task Unimplemented_ServiceNotMapped_IsUnimplemented()
    {
        using var channel = Server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestMethods.UnmappedNothing, new EchoRequest()).DefaultTimeout());

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task Unimplemented_UnknownMethodOfAMappedService_IsTrailersOnlyUnimplemented()
    {
        using var client = GrpcTestServer.CreateRawClient();

        var response = await RawGrpc.PostAsync(client, Server.Address + "/ragtest.v1.InteropTest/NoSuchMethod", RawGrpc.Frame(new EchoRequest()));

        Assert.Equal(200, response.HttpStatus);
        Assert.Equal("12", response.GrpcStatus);
        Assert.True(response.TrailersOnly);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task ContentType_NotGrpc_Is415()
    {
        using var client = GrpcTestServer.CreateRawClient();

        var response = await RawGrpc.PostAsync(client, Server.Address + "/ragtest.v1.InteropTest/Echo", RawGrpc.Frame(new EchoRequest()), contentType: "application/json");

        Assert.Equal(415, response.HttpStatus);
    }
}
