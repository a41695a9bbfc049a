using System.Runtime.CompilerServices;
using RagPlatform.Generator.Generation;

namespace RagPlatform.ModelServices.Tests.Generator;

[Trait("Category", "Unit")]
public sealed class ReadAheadTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Buffered_WholeSource_YieldsEveryItemInOrder()
    {
        var items = await ReadAhead.Buffered(Count(100, new Probe()), capacity: 4).ToListAsync().AsTask().WaitAsync(Bound);

        Assert.Equal(Enumerable.Range(0, 100), items);
    }

    [Fact]
    public async Task Buffered_ReaderIsSlow_SourceRunsAtMostCapacityAhead()
    {
        var probe = new Probe();
        await using var reader = ReadAhead.Buffered(Count(1_000, probe), capacity: 4).GetAsyncEnumerator();

        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Bound));
        await Task.Delay(200);

        // One item taken, four buffered, one more being written: the source waits instead of running on.
        Assert.InRange(probe.Produced, 1, 1 + 4 + 1);
    }

    [Fact]
    public async Task Buffered_ReaderLeavesEarly_SourceIsStoppedBeforeDisposeReturns()
    {
        var probe = new Probe();
        await LeaveAtAsync(ReadAhead.Buffered(Count(1_000_000, probe), capacity: 4), 3).WaitAsync(Bound);

        // The generator's finally (where a generation frees its KV cache) has run by the time the loop is left.
        Assert.True(probe.Finished);
        Assert.True(probe.Produced < 1_000_000);
    }

    [Fact]
    public async Task Buffered_SourceFails_ReaderGetsTheSameException()
    {
        var failure = new InvalidOperationException("model failed");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in ReadAhead.Buffered(FailAfter(3, failure), capacity: 4))
            {
            }
        }).WaitAsync(Bound);

        Assert.Same(failure, thrown);
    }

    [Fact]
    public async Task Buffered_CallerCancels_ReaderSeesCancellationAndSourceStops()
    {
        using var cancel = new CancellationTokenSource();
        var probe = new Probe();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in ReadAhead.Buffered(Count(1_000_000, probe), capacity: 4, cancel.Token))
            {
                if (item == 2)
                {
                    await cancel.CancelAsync();
                }
            }
        }).WaitAsync(Bound);

        Assert.True(probe.Finished);
    }

    private static async Task LeaveAtAsync(IAsyncEnumerable<int> items, int last)
    {
        await foreach (var item in items)
        {
            if (item == last)
            {
                return;
            }
        }
    }

    private sealed class Probe
    {
        private int _produced;

        public int Produced => Volatile.Read(ref _produced);

        public bool Finished { get; set; }

        public void Increment() => Interlocked.Increment(ref _produced);
    }

    private static async IAsyncEnumerable<int> Count(int count, Probe probe, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            for (var i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                probe.Increment();
                yield return i;
                await Task.Yield();
            }
        }
        finally
        {
            probe.Finished = true;
        }
    }

    private static async IAsyncEnumerable<int> FailAfter(int count, Exception failure)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return i;
        }

        throw failure;
    }
}
