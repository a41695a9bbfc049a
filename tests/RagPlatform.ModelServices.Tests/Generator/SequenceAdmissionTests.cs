using RagPlatform.Generator.Generation;

namespace RagPlatform.ModelServices.Tests.Generator;

[Trait("Category", "Unit")]
public sealed class SequenceAdmissionTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TryEnter_UnderTheLimit_AdmitsAtOnce()
    {
        var admission = new SequenceAdmission(maxActive: 2, maxQueued: 0);

        using var first = await admission.TryEnterAsync(CancellationToken.None);
        using var second = await admission.TryEnterAsync(CancellationToken.None);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal(2, admission.ActiveSequences);
    }

    [Fact]
    public async Task TryEnter_SlotsAndQueueFull_ReturnsNullWithoutWaiting()
    {
        var admission = new SequenceAdmission(maxActive: 1, maxQueued: 1);
        using var running = await admission.TryEnterAsync(CancellationToken.None);
        var queued = admission.TryEnterAsync(CancellationToken.None);

        var refused = admission.TryEnterAsync(CancellationToken.None);

        Assert.False(queued.IsCompleted);
        Assert.True(refused.IsCompletedSuccessfully);
        Assert.Null(await refused);
        Assert.Equal(1, admission.QueueDepth);
        running!.Dispose();
        (await queued.AsTask().WaitAsync(Bound))!.Dispose();
    }

    [Fact]
    public async Task Release_HandsTheSlotToWaitersInArrivalOrder()
    {
        var admission = new SequenceAdmission(maxActive: 1, maxQueued: 2);
        var running = await admission.TryEnterAsync(CancellationToken.None);
        var first = admission.TryEnterAsync(CancellationToken.None).AsTask();
        var second = admission.TryEnterAsync(CancellationToken.None).AsTask();

        running!.Dispose();
        var firstSlot = await first.WaitAsync(Bound);

        Assert.False(second.IsCompleted);
        Assert.Equal(1, admission.ActiveSequences);
        firstSlot!.Dispose();
        (await second.WaitAsync(Bound))!.Dispose();
        Assert.Equal(0, admission.ActiveSequences);
    }

    [Fact]
    public async Task TryEnter_WaiterCancelled_LeavesTheQueueAtOnce()
    {
        var admission = new SequenceAdmission(maxActive: 1, maxQueued: 1);
        using var running = await admission.TryEnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = admission.TryEnterAsync(cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Bound));
        Assert.Equal(0, admission.QueueDepth);
        var next = admission.TryEnterAsync(CancellationToken.None);
        Assert.False(next.IsCompleted);
        running!.Dispose();
        (await next.AsTask().WaitAsync(Bound))!.Dispose();
    }

    [Fact]
    public async Task SlotDispose_Twice_ReleasesOnce()
    {
        var admission = new SequenceAdmission(maxActive: 2, maxQueued: 0);
        var slot = await admission.TryEnterAsync(CancellationToken.None);
        using var other = await admission.TryEnterAsync(CancellationToken.None);

        slot!.Dispose();
        slot.Dispose();

        Assert.Equal(1, admission.ActiveSequences);
    }
}
