using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RagPlatform.Embedder.Batching;
using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Runtime;
using RagPlatform.ModelHosting;
using RagPlatform.ModelHosting.Batching;
using RagPlatform.ModelServices.Tests.Infrastructure;

namespace RagPlatform.ModelServices.Tests.Embedder;

/// <summary>The batcher in-process over the real tiny embedder; batch sizes read through a MeterListener.</summary>
[Trait("Category", "Unit")]
public sealed class EmbeddingBatcherTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly ConcurrentQueue<int> _batchSizes = new();
    private readonly ConcurrentQueue<string> _embeddedTexts = new();
    private ServiceProvider _services = null!;
    private MeterListener _listener = null!;
    private TextEmbedder _embedder = null!;

    public async Task InitializeAsync()
    {
        await ModelServiceHosts.EnsureAssetsAsync();
        _embedder = TextEmbedder.Open(OnnxSessionFactory.Create(), ModelServiceHosts.LoadModel(ModelServiceHosts.EmbedderModel), new TextEmbedderOptions { Session = ModelServiceHosts.Session });
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "RagPlatform.Embedder.Tests" && instrument.Name == "rag.model.batch.size")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<int>((_, size, _, _) => _batchSizes.Enqueue(size));
        _listener.Start();
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _services.DisposeAsync();
        _embedder.Dispose();
    }

    [Fact]
    public async Task EmbedAsync_ConcurrentCalls_AreBatchedAndMatchDirectEmbedding()
    {
        await using var batcher = CreateBatcher(new BatchingOptions(32, TimeSpan.FromMilliseconds(50), 1));
        var texts = Enumerable.Range(0, 40).Select(i => $"text number {i} {new string('x', i * 7)}").ToArray();

        var results = await Task.WhenAll(texts.Select(t => batcher.EmbedAsync([t], EmbeddingRole.Query, CancellationToken.None))).WaitAsync(Bound);

        var direct = _embedder.Embed(texts, EmbeddingRole.Query);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(direct[i].TokenCount, results[i][0].TokenCount);
            Assert.Equal(direct[i].Vector, results[i][0].Vector, (a, b) => Math.Abs(a - b) < 1e-4f);
        }

        Assert.Equal(40, _batchSizes.Sum());
        Assert.True(_batchSizes.Max() > 1, $"batch sizes: {string.Join(',', _batchSizes)}");
        Assert.All(_batchSizes, s => Assert.InRange(s, 1, 32));
    }

    [Fact]
    public async Task EmbedAsync_IdleBatcher_RunsTheCallOnTheCallersThreadAlone()
    {
        await using var batcher = CreateBatcher(new BatchingOptions(32, TimeSpan.Zero, 1));

        var call = batcher.EmbedAsync(["alone", "and its sibling"], EmbeddingRole.Passage, CancellationToken.None);

        // Done before EmbedAsync returned: no hand-off to the batch loop.
        Assert.True(call.IsCompletedSuccessfully);
        Assert.Equal(2, (await call).Length);
        Assert.Equal([2], _batchSizes);
    }

    [Fact]
    public async Task EmbedAsync_MixedRoles_EachTextEmbeddedWithItsRole()
    {
        await using var batcher = CreateBatcher(new BatchingOptions(16, TimeSpan.FromMilliseconds(20), 1));

        var query = batcher.EmbedAsync(["same text"], EmbeddingRole.Query, CancellationToken.None);
        var passage = batcher.EmbedAsync(["same text", "another"], EmbeddingRole.Passage, CancellationToken.None);
        await Task.WhenAll(query, passage).WaitAsync(Bound);

        Assert.Equal(_embedder.Embed(["same text"], EmbeddingRole.Query)[0].Vector, (await query)[0].Vector, (a, b) => Math.Abs(a - b) < 1e-4f);
        Assert.Equal(2, (await passage).Length);
    }

    [Fact]
    public async Task EmbedAsync_CancelledWhileQueued_IsCancelledAndNeverReachesTheModel()
    {
        using var entered = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        await using var batcher = CreateBatcher(new BatchingOptions(4, TimeSpan.Zero, 1), entered, gate);
        // From another thread, as calls arrive: an idle batcher runs a call on its caller's thread, which the gate holds.
        var blocker = Task.Run(() => batcher.EmbedAsync(["blocks the only batch slot"], EmbeddingRole.Passage, CancellationToken.None));
        Assert.True(await Task.Run(() => entered.Wait(Bound)));
        using var cancel = new CancellationTokenSource();
        var queued = batcher.EmbedAsync(["cancelled 1", "cancelled 2", "cancelled 3"], EmbeddingRole.Passage, cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Bound));
        gate.Set();
        await blocker.WaitAsync(Bound);
        var after = await batcher.EmbedAsync(["after"], EmbeddingRole.Passage, CancellationToken.None).WaitAsync(Bound);

        Assert.Single(after);
        Assert.DoesNotContain(_embeddedTexts, t => t.StartsWith("cancelled", StringComparison.Ordinal));
        Assert.Equal(0, batcher.QueueDepth);
    }

    private EmbeddingBatcher CreateBatcher(BatchingOptions options, ManualResetEventSlim? entered = null, ManualResetEventSlim? gate = null)
    {
        var metrics = new ModelServiceMetrics(_services.GetRequiredService<IMeterFactory>(), "RagPlatform.Embedder.Tests");
        return new EmbeddingBatcher(
            (texts, role, cancellationToken) =>
            {
                // Holds the first batch until the test releases it, so later calls are still queued.
                entered?.Set();
                gate?.Wait(Bound, cancellationToken);
                foreach (var text in texts)
                {
                    _embeddedTexts.Enqueue(text);
                }

                return _embedder.Embed(texts, role, cancellationToken);
            },
            options,
            metrics,
            NullLogger<EmbeddingBatcher>.Instance);
    }
}
