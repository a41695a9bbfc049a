using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RagPlatform.Inference.Embeddings;
using RagPlatform.ModelHosting;

namespace RagPlatform.Embedder.Batching;

/// <summary>Runs one model batch: texts of one role, in order, one embedding each.</summary>
internal delegate IReadOnlyList<Embedding> EmbedBatch(IReadOnlyList<string> texts, EmbeddingRole role, CancellationToken cancellationToken);

/// <summary>
/// Dynamic micro-batching across concurrent calls: texts queue in a channel; a batch closes when it holds
/// MaxBatchSize texts or its oldest text has waited MaxBatchWait. Texts that queued while the previous batch ran are
/// taken at once (they already waited), so under load batches fill up without added latency. A batch is split by
/// role and into length-sorted runs so short texts are not padded to the longest one. Texts of cancelled calls are
/// dropped before they reach the model. A call that finds the batcher idle (and MaxBatchWait zero) is run at once on
/// its own thread.
/// </summary>
internal sealed class EmbeddingBatcher : IAsyncDisposable
{
    private readonly Channel<QueuedText> _queue = Channel.CreateUnbounded<QueuedText>(new UnboundedChannelOptions { SingleReader = true });
    private readonly EmbedBatch _embed;
    private readonly BatchingOptions _options;
    private readonly ModelServiceMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _queued;

    public EmbeddingBatcher(EmbedBatch embed, BatchingOptions options, ModelServiceMetrics metrics, ILogger<EmbeddingBatcher> logger)
    {
        _embed = embed;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _slots = new SemaphoreSlim(options.MaxConcurrentBatches, options.MaxConcurrentBatches);
        metrics.ObserveQueueDepth(() => QueueDepth);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Texts waiting for a batch.</summary>
    public int QueueDepth => Volatile.Read(ref _queued);

    /// <summary>One embedding per text, in order. Cancelling drops the call's texts that have not reached the model.</summary>
    public Task<Embedding[]> EmbedAsync(IReadOnlyList<string> texts, EmbeddingRole role, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return Task.FromResult(Array.Empty<Embedding>());
        }

        var call = new EmbedCall(texts.Count, cancellationToken);
        var now = Stopwatch.GetTimestamp();
        if (_options.MaxBatchWait == TimeSpan.Zero && Volatile.Read(ref _queued) == 0 && _slots.Wait(0))
        {
            // Idle, and no company is waited for: this call is the whole batch. It runs here, on the caller's pool
            // thread, instead of going to the batch loop and its result coming back on a third thread; on a busy
            // 2-core machine each such hand-off costs more than a small model's run (bench/model-services.sh,
            // 1 client). Calls that arrive meanwhile queue for the loop as usual.
            RunBatch([.. texts.Select((text, i) => new QueuedText(call, i, text, role, now))]);
            return call.Task;
        }

        Interlocked.Add(ref _queued, texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            if (!_queue.Writer.TryWrite(new QueuedText(call, i, texts[i], role, now)))
            {
                Interlocked.Add(ref _queued, i - texts.Count);
                throw new ObjectDisposedException(nameof(EmbeddingBatcher), "The embedder is shutting down.");
            }
        }

        return call.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // Let running batches finish before the model goes away.
        for (var i = 0; i < _options.MaxConcurrentBatches; i++)
        {
            await _slots.WaitAsync();
        }

        while (_queue.Reader.TryRead(out var left))
        {
            left.Call.SetException(new ObjectDisposedException(nameof(EmbeddingBatcher), "The embedder shut down."));
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                await _slots.WaitAsync(_stopping.Token);
                var batch = await GatherAsync(reader);
                if (batch.Count == 0)
                {
                    _slots.Release();
                    continue;
                }

                if (_options.MaxConcurrentBatches == 1)
                {
                    // The loop is already on a pool thread and has nothing else to do until the batch ends: run it
                    // here instead of handing it to another thread and waiting (one thread hop less on every call).
                    RunBatch(batch);
                }
                else
                {
                    _ = Task.Run(() => RunBatch(batch));
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task<List<QueuedText>> GatherAsync(ChannelReader<QueuedText> reader)
    {
        var batch = new List<QueuedText>(_options.MaxBatchSize);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        while (batch.Count < _options.MaxBatchSize)
        {
            if (reader.TryRead(out var item))
            {
                Interlocked.Decrement(ref _queued);
                if (!item.Call.IsDone)
                {
                    batch.Add(item);
                }

                continue;
            }

            if (batch.Count == 0)
            {
                return batch;
            }

            var left = _options.MaxBatchWait - Stopwatch.GetElapsedTime(batch[0].EnqueuedAt);
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            wait.CancelAfter(left);
            try
            {
                if (!await reader.WaitToReadAsync(wait.Token))
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
            {
                break;
            }
        }

        return batch;
    }

    /// <summary>Runs one batch and frees the slot it holds.</summary>
    private void RunBatch(List<QueuedText> batch)
    {
        try
        {
            var clock = Stopwatch.StartNew();
            var runs = 0;
            foreach (var group in batch.GroupBy(t => t.Role))
            {
                foreach (var run in LengthSortedRuns(group))
                {
                    runs++;
                    RunOne(run, group.Key);
                }
            }

            _metrics.RecordBatch(batch.Count);
            EmbedderLog.BatchEmbedded(_logger, batch.Count, batch.Select(t => t.Call).Distinct().Count(), runs, clock.ElapsedMilliseconds);
        }
        finally
        {
            _slots.Release();
        }
    }

    private void RunOne(List<QueuedText> run, EmbeddingRole role)
    {
        try
        {
            var embeddings = _embed(run.Select(t => t.Text).ToArray(), role, _stopping.Token);
            for (var i = 0; i < run.Count; i++)
            {
                run[i].Call.SetResult(run[i].Index, embeddings[i]);
            }
        }
        catch (Exception ex)
        {
            EmbedderLog.BatchFailed(_logger, run.Count, ex);
            foreach (var call in run.Select(t => t.Call).Distinct())
            {
                call.SetException(ex);
            }
        }
    }

    /// <summary>
    /// Texts sorted by length and cut where the next one is over twice the run's shortest (plus slack for special
    /// tokens): padding stays under about half of each run while short texts still share a run.
    /// </summary>
    private static IEnumerable<List<QueuedText>> LengthSortedRuns(IEnumerable<QueuedText> texts)
    {
        var run = new List<QueuedText>();
        foreach (var text in texts.OrderBy(t => t.Text.Length))
        {
            if (run.Count > 0 && text.Text.Length > (2 * run[0].Text.Length) + 64)
            {
                yield return run;
                run = [];
            }

            run.Add(text);
        }

        if (run.Count > 0)
        {
            yield return run;
        }
    }
}
