using Grpc.Core;
using RagPlatform.Orchestrator.Downstream;

namespace RagPlatform.Orchestrator.Tests.Unit;

/// <summary>
/// The resilience pipeline around an idempotent call, with a call that behaves like our gRPC client: it answers only
/// when its token fires, and then throws RpcException(CANCELLED), as Grpc.Net.Client does for a cancelled call.
/// </summary>
[Trait("Category", "Unit")]
public sealed class DownstreamServiceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly DownstreamService _service = new("Reranker", new DownstreamOptions
    {
        Url = "http://127.0.0.1:1",
        Timeout = TimeSpan.FromMilliseconds(300),
        AttemptTimeout = TimeSpan.FromSeconds(5),
    }, TimeProvider.System);

    [Fact]
    public async Task CallAsync_ServiceSlowerThanTimeout_DeadlineExceededNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _service.CallAsync(HangsUntilCancelled, DateTime.MaxValue, CancellationToken.None)).WaitAsync(Bound);

        // Not CANCELLED: the gateway would answer that 499 "Client closed request" to a client that did nothing.
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Contains("Downstream:Reranker:Timeout", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_CallerCancels_OperationCanceled()
    {
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var slow = new DownstreamService("Reranker", new DownstreamOptions { Url = "http://127.0.0.1:1", Timeout = TimeSpan.FromSeconds(5) },
            TimeProvider.System);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow.CallAsync(HangsUntilCancelled, DateTime.MaxValue, caller.Token)).WaitAsync(Bound);
    }

    [Theory]
    [InlineData(0, StatusCode.Unavailable, 1)]
    [InlineData(2, StatusCode.Unavailable, 3)]
    [InlineData(2, StatusCode.DeadlineExceeded, 3)]
    [InlineData(2, StatusCode.InvalidArgument, 1)] // the request is wrong: repeating it cannot help
    [InlineData(2, StatusCode.ResourceExhausted, 1)] // the service refused work: repeating it adds to the pile
    public async Task CallAsync_FailingCall_TriedOncePlusRetriesOnlyForRetryableStatuses(int maxRetries, StatusCode status, int expectedAttempts)
    {
        var service = new DownstreamService("Embedder", new DownstreamOptions
        {
            Url = "http://127.0.0.1:1",
            MaxRetries = maxRetries,
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MinimumThroughput = 100, // keep the breaker closed: this is about retries
        }, TimeProvider.System);
        var attempts = 0;

        var error = await Assert.ThrowsAsync<RpcException>(() => service.CallAsync<int>(Task<int> (_) =>
        {
            Interlocked.Increment(ref attempts);
            throw new RpcException(new Status(status, "failed on purpose"));
        }, DateTime.MaxValue, CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal(status, error.StatusCode);
        Assert.Equal(expectedAttempts, attempts);
    }

    [Fact]
    public async Task CallOnceAsync_Unavailable_TriedOnceNeverRetried()
    {
        // Starting a generation is not repeatable (it would sample anew): only the breaker guards it.
        var service = new DownstreamService("Generator", new DownstreamOptions { Url = "http://127.0.0.1:1", MaxRetries = 2, RetryDelay = TimeSpan.Zero },
            TimeProvider.System);
        var attempts = 0;

        var error = await Assert.ThrowsAsync<RpcException>(() => service.CallOnceAsync<int>(Task<int> (_) =>
        {
            Interlocked.Increment(ref attempts);
            throw new RpcException(new Status(StatusCode.Unavailable, "down on purpose"));
        }, DateTime.MaxValue, CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task CallAsync_RepeatedServiceFailures_CircuitOpensAndFailsFastWithoutCalling()
    {
        var service = new DownstreamService("Reranker", new DownstreamOptions
        {
            Url = "http://127.0.0.1:1",
            MaxRetries = 0,
            MinimumThroughput = 2,
            FailureRatio = 0.5,
            BreakDuration = TimeSpan.FromSeconds(30),
        }, TimeProvider.System);
        var attempts = 0;
        Task<int> Failing(CallOptions _)
        {
            Interlocked.Increment(ref attempts);
            throw new RpcException(new Status(StatusCode.Unavailable, "down on purpose"));
        }

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<RpcException>(() => service.CallAsync(Failing, DateTime.MaxValue, CancellationToken.None)).WaitAsync(Bound);
        }

        var open = await Assert.ThrowsAsync<RpcException>(() => service.CallAsync(Failing, DateTime.MaxValue, CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal(2, attempts);
        Assert.Equal(StatusCode.Unavailable, open.StatusCode);
        Assert.Contains("circuit is open", open.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_GeneratedClientToAClosedPort_UnavailableNamingTheService()
    {
        // The real grpc-dotnet client, not a stand-in: its connection failure is what the pipeline retries on.
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress("http://127.0.0.1:1");
        var embedder = new Contracts.V1.Embedder.EmbedderClient(channel);
        var service = new DownstreamService("Embedder", new DownstreamOptions { Url = "http://127.0.0.1:1", RetryDelay = TimeSpan.FromMilliseconds(1) },
            TimeProvider.System);

        var error = await Assert.ThrowsAsync<RpcException>(() => service.CallAsync(
            o => embedder.EmbedAsync(new Contracts.V1.EmbedRequest { Texts = { "x" } }, o), DateTime.MaxValue, CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.StartsWith("Embedder is unavailable", error.Status.Detail, StringComparison.Ordinal);
    }

    private static async Task<int> HangsUntilCancelled(CallOptions options)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, options.CancellationToken);
            return 0;
        }
        catch (OperationCanceledException ex)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client.", ex));
        }
    }
}
