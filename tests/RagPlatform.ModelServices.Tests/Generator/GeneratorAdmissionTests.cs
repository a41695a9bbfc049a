using System.Diagnostics;
using Grpc.Core;
using RagPlatform.Contracts.V1;

namespace RagPlatform.ModelServices.Tests.Generator;

/// <summary>
/// The process runs one sequence at a time with one queued call, and a long generation here takes far longer than
/// these tests wait: a call admitted within the bound proves the slot was freed, not that the long one finished.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(GeneratorProcessCollection.Name)]
public sealed class GeneratorAdmissionTests(GeneratorProcessFixture generator)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Generate_CancelledMidStream_FreesTheSlotForTheNextCallAtOnce()
    {
        using (var longCall = new LongCall(generator))
        {
            await longCall.FirstChunkAsync();
            await longCall.CancelAsync();
        }

        var clock = Stopwatch.StartNew();
        var next = await generator.GenerateAllAsync(GeneratorProcessFixture.ShortRequest(), Bound);

        Assert.Equal(FinishReason.Length, next[^1].FinishReason);
        Assert.True(clock.Elapsed < Bound);
        await generator.Process.WaitForOutputAsync(l => l.Contains("Generation cancelled", StringComparison.Ordinal), Bound);
    }

    [Fact]
    public async Task Generate_SlotAndQueueFull_ResourceExhaustedAtOnce_QueuedCallRunsWhenSlotFrees()
    {
        using var running = new LongCall(generator);
        await running.FirstChunkAsync();
        using var queued = await StartQueuedAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => generator.GenerateAllAsync(GeneratorProcessFixture.ShortRequest(), Bound));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("capacity", error.Status.Detail, StringComparison.Ordinal);
        await running.CancelAsync();
        await queued.FirstChunkAsync();
        await queued.CancelAsync();
    }

    [Fact]
    public async Task Generate_QueuedCallCancelled_LeavesTheQueueAtOnce()
    {
        using var running = new LongCall(generator);
        await running.FirstChunkAsync();
        using (var queued = await StartQueuedAsync())
        {
            await queued.CancelAsync();
        }

        await generator.Process.WaitForOutputAsync(l => l.Contains("left the queue", StringComparison.Ordinal), Bound);
        // The queue has room again: this call waits in it instead of being refused, and runs once the slot frees.
        using var next = await StartQueuedAsync();
        await running.CancelAsync();
        await next.FirstChunkAsync();
        await next.CancelAsync();
    }

    [Fact]
    public async Task Generate_DeadlinePassesMidStream_DeadlineExceededAndSlotFreed()
    {
        var chunks = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = generator.Client.Generate(GeneratorProcessFixture.LongRequest(),
                new CallOptions(deadline: DateTime.UtcNow.AddSeconds(2)));
            await foreach (var _ in call.ResponseStream.ReadAllAsync())
            {
                chunks++;
            }
        }).WaitAsync(Bound);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(chunks > 0, "the deadline should have passed mid-stream");
        var next = await generator.GenerateAllAsync(GeneratorProcessFixture.ShortRequest(), Bound);
        Assert.NotNull(next[^1].Usage);
    }

    /// <summary>Starts a long call and returns once the server logged it as queued (the fixture enables that Debug line).</summary>
    private async Task<LongCall> StartQueuedAsync()
    {
        var before = QueuedLines();
        var call = new LongCall(generator);
        var clock = Stopwatch.StartNew();
        while (QueuedLines() == before)
        {
            Assert.False(call.Completion.IsCompleted, "the call ended instead of queueing");
            if (clock.Elapsed > Bound)
            {
                throw new TimeoutException("The call never showed up in the queue.");
            }

            await Task.Delay(20);
        }

        return call;
    }

    private int QueuedLines() => generator.Process.OutputLines.Count(l => l.Contains("queued for a sequence slot", StringComparison.Ordinal));

    /// <summary>A long generation read in the background until cancelled.</summary>
    private sealed class LongCall : IDisposable
    {
        private readonly CancellationTokenSource _cancel = new();
        private readonly TaskCompletionSource _firstChunk = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LongCall(GeneratorProcessFixture generator)
        {
            Completion = Task.Run(async () =>
            {
                using var call = generator.Client.Generate(GeneratorProcessFixture.LongRequest(), new CallOptions(cancellationToken: _cancel.Token));
                await foreach (var _ in call.ResponseStream.ReadAllAsync(_cancel.Token))
                {
                    _firstChunk.TrySetResult();
                }
            });
            _ = Completion.ContinueWith(t => _firstChunk.TrySetException(new InvalidOperationException($"The call ended before its first chunk: {t.Exception?.InnerException?.Message}")),
                TaskScheduler.Default);
        }

        public Task Completion { get; }

        public Task FirstChunkAsync() => _firstChunk.Task.WaitAsync(Bound);

        public async Task CancelAsync()
        {
            await _cancel.CancelAsync();
            await Completion.WaitAsync(Bound).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        public void Dispose()
        {
            _cancel.Cancel();
            _cancel.Dispose();
        }
    }
}
