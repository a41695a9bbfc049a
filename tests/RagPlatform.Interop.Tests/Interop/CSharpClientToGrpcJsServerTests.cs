using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using RagPlatform.Interop.Tests.Infrastructure;
using RagPlatform.Interop.Tests.Protos;

namespace RagPlatform.Interop.Tests.Interop;

/// <summary>Our grpc-dotnet client (Grpc.Net.Client, generated stubs) calling @grpc/grpc-js (server.js, a real node process).</summary>
[Trait("Category", "Interop")]
[Collection(InteropCollection.Name)]
public sealed class CSharpClientToGrpcJsServerTests(InteropFixture fixture)
{
    [Fact]
    public async Task Unary_Echoes()
    {
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);

        var reply = await Client(channel).EchoAsync(new EchoRequest { Message = "hello from C#", Payload = ByteString.CopyFromUtf8("bytes") }).DefaultTimeout();

        Assert.Equal("hello from C#", reply.Message);
        Assert.Equal("bytes", reply.Payload.ToStringUtf8());
    }

    [Fact]
    public async Task ServerStreaming_DeliversAllInOrder()
    {
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);
        using var call = Client(channel).StreamNumbers(new StreamRequest { Count = 10 });

        var messages = await call.ResponseStream.ToListAsync();

        Assert.Equal(Enumerable.Range(0, 10), messages.Select(m => m.Index));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Error_NonAsciiMessage_ArrivesIntact()
    {
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);

        var ex = await Assert.ThrowsAsync<RpcException>(() => Client(channel).EchoAsync(new EchoRequest { FailCode = (int)StatusCode.InvalidArgument, FailMessage = "données invalides — 日本語" }).DefaultTimeout());

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("données invalides — 日本語", ex.Status.Detail);
    }

    [Fact]
    public async Task Error_MidStream_MessagesThenStatus()
    {
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);
        using var call = Client(channel).StreamNumbers(new StreamRequest { Count = 10, FailAfter = 3, FailCode = (int)StatusCode.Aborted, FailMessage = "stopped — 途中" });
        var received = new List<int>();

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var message in call.ResponseStream.ReadAllAsync())
            {
                received.Add(message.Index);
            }
        }).DefaultTimeout();

        Assert.Equal([0, 1, 2], received);
        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.Equal("stopped — 途中", ex.Status.Detail);
    }

    [Fact]
    public async Task Deadline_EnforcedLocallyAndTheServerCancelsTheHandler()
    {
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);
        await Client(channel).EchoAsync(new EchoRequest()).DefaultTimeout(); // connect first: the deadline/cancel timer should measure the call
        var callId = Guid.NewGuid().ToString();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Client(channel).EchoAsync(new EchoRequest { DelayMs = 30_000, CallId = callId }, new CallOptions(deadline: DateTime.UtcNow.AddMilliseconds(200))).DefaultTimeout());

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        var record = await Client(channel).GetCallRecordAsync(new CallRecordRequest { CallId = callId, WaitMs = 5000 }).DefaultTimeout();
        Assert.True(record.Ended && record.Cancelled);
    }

    [Fact]
    public async Task Deadline_IsPropagatedAsGrpcTimeout()
    {
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);

        var reply = await Client(channel).EchoAsync(new EchoRequest(), new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30))).DefaultTimeout();

        Assert.InRange(reply.DeadlineRemainingMs, 20_000, 30_000);
    }

    [Fact]
    public async Task Cancellation_IsObservedByTheServer()
    {
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);
        await Client(channel).EchoAsync(new EchoRequest()).DefaultTimeout(); // connect first: the deadline/cancel timer should measure the call
        var callId = Guid.NewGuid().ToString();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAsync<RpcException>(() => Client(channel).EchoAsync(new EchoRequest { DelayMs = 30_000, CallId = callId }, new CallOptions(cancellationToken: cts.Token)).DefaultTimeout());

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        var record = await Client(channel).GetCallRecordAsync(new CallRecordRequest { CallId = callId, WaitMs = 5000 }).DefaultTimeout();
        Assert.True(record.Ended && record.Cancelled);
    }

    [Fact]
    public async Task Cancellation_DisposedStreamIsObservedByTheServer()
    {
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);
        var callId = Guid.NewGuid().ToString();
        var call = Client(channel).StreamNumbers(new StreamRequest { Count = 1000, IntervalMs = 20, CallId = callId });
        await using (var enumerator = call.ResponseStream.ReadAllAsync().GetAsyncEnumerator())
        {
            Assert.True(await enumerator.MoveNextAsync().AsTask().DefaultTimeout());
        }

        call.Dispose();

        var record = await Client(channel).GetCallRecordAsync(new CallRecordRequest { CallId = callId, WaitMs = 5000 }).DefaultTimeout();
        Assert.True(record.Ended && record.Cancelled);
    }

    [Fact]
    public async Task Unimplemented_MethodTheServerDoesNotImplement()
    {
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);

        var ex = await Assert.ThrowsAsync<RpcException>(() => new Unmapped.UnmappedClient(channel).NothingAsync(new EchoRequest()).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task Concurrency_HundredCallsOnOneChannel()
    {
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);

        var replies = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            Client(channel).EchoAsync(new EchoRequest { Message = $"m{i}", DelayMs = 20 }).ResponseAsync)).DefaultTimeout();

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"m{i}"), replies.Select(r => r.Message));
    }

    [Fact]
    public async Task SizeLimit_RequestOverGrpcJsLimit_ResourceExhausted()
    {
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Client(channel).EchoAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[5 * 1024 * 1024]) }).DefaultTimeout());

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task SizeLimit_ResponseOverClientLimit_ResourceExhausted()
    {
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Client(channel).EchoAsync(new EchoRequest { ReplyPayloadSize = 5 * 1024 * 1024 }).DefaultTimeout());

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Compression_GzipRequestIsAccepted()
    {
        // grpc-js hides grpc-encoding from handlers and never compresses responses, so what can be checked here is
        // that it decodes our gzip frames (GrpcJsClientToCSharpServerTests reads the encoding on our side).
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);
        var gzip = new CallOptions(headers: new Metadata { { "grpc-internal-encoding-request", "gzip" } });

        var reply = await Client(channel).EchoAsync(new EchoRequest { Message = new string('z', 100_000) }, gzip).DefaultTimeout();
        using var call = Client(channel).StreamNumbers(new StreamRequest { Count = 3 }, gzip);

        Assert.Equal(100_000, reply.Message.Length);
        Assert.Equal(3, (await call.ResponseStream.ToListAsync()).Count);
    }

    [Fact]
    public async Task Metadata_AsciiAndBinary_EchoedInHeadersAndTrailers()
    {
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);
        var headers = new Metadata { { "x-meta-tenant", "acme" }, { "x-meta-blob-bin", new byte[] { 0, 1, 2, 255 } } };

        using var call = Client(channel).EchoAsync(new EchoRequest { Message = "m" }, new CallOptions(headers: headers));
        var reply = await call.ResponseAsync.DefaultTimeout();
        var responseHeaders = await call.ResponseHeadersAsync.DefaultTimeout();

        Assert.Equal("acme", reply.Metadata["x-meta-tenant"]);
        Assert.Equal("AAEC/w==", reply.Metadata["x-meta-blob-bin"]);
        Assert.Equal("acme", responseHeaders.GetValue("x-meta-tenant"));
        Assert.Equal([0, 1, 2, 255], call.GetTrailers().GetValueBytes("x-trailer-blob-bin"));
    }

    [Fact]
    public async Task Health_CheckAndWatch_ThroughTheTypedClient()
    {
        using var channel = GrpcChannel.ForAddress(fixture.NodeAddress);
        var health = new Health.HealthClient(channel);
        var service = "watched." + Guid.NewGuid().ToString("N");

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest()).DefaultTimeout()).Status);
        Assert.Equal(StatusCode.NotFound,
            (await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = service }).DefaultTimeout())).StatusCode);
        using var watch = health.Watch(new HealthCheckRequest { Service = service });
        await using var updates = watch.ResponseStream.ReadAllAsync().GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync().AsTask().DefaultTimeout());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.ServiceUnknown, updates.Current.Status);
        await Client(channel).SetHealthAsync(new SetHealthRequest { Service = service, Status = 1 }).DefaultTimeout();
        Assert.True(await updates.MoveNextAsync().AsTask().DefaultTimeout());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, updates.Current.Status);
    }

    private static InteropTest.InteropTestClient Client(GrpcChannel channel) => new(channel);
}
