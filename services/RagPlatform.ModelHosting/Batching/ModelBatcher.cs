using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace RagPlatform.ModelHosting.Batching;

/// <summary>Runs one model batch: one result per item, in order. Grouping items into model runs is the delegate's.</summary>
public delegate IReadOnlyList<TResult> RunBatch<TItem, TResult>(IReadOnlyList<TItem> items, CancellationToken cancellationToken);

/// <summary>
/// Dynamic micro-batching across concurrent calls (the Embedder's texts, the Reranker's pairs): items queue in a
/// channel; a batch closes when it holds MaxBatchSize items or its oldest item has waited MaxBatchWait. Items that
/// queued while the previous batch ran are taken at once (they already waited), so under load batches fill up without
/// added latency. Items of cancelled calls are dropped before they reach the model. A call that finds the batcher idle
/// (and MaxBatchWait zero) is run at once on its own thread.
/// </summary>
public sealed class ModelBatcher<TItem, TResult> : IAsyncDisposable
{
    private readonly Channel<QueuedItem<TItem, TResult>> _queue =
        Channel.CreateUnbounded<QueuedItem<TItem, TResult>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly RunBatch<TItem, TResult> _run;
    private readonly BatchingOptions _options;
    private readonly ModelServiceMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string _verb;
    private readonly string _unit;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _queued;

    /// <param name="logger">Logs each batch at Debug as "{verb} a batch of {n} {unit} from {calls} calls" (tests read it).</param>
    public ModelBatcher(RunBatch<TItem, TResult> run, BatchingOptions options, ModelServiceMetrics metrics, ILogger logger, string verb, string unit)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _run = run;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _verb = verb;
        _unit = unit;
        _slots = new SemaphoreSlim(options.MaxConcurrentBatches, options.MaxConcurrentBatches);
        metrics.ObserveQueueDepth(() => QueueDepth);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Items waiting for a batch.</summary>
    public int QueueDepth => Volatile.Read(ref _queued);

    /// <summary>One result per item, in order. Cancelling drops the call's items that have not reached the model.</summary>
    public Task<TResult[]> SubmitAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return Task.FromResult(Array.Empty<TResult>());
        }

        var call = new BatchCall<TResult>(items.Count, cancellationToken);
        var now = Stopwatch.GetTimestamp();
        if (_options.MaxBatchWait == TimeSpan.Zero && Volatile.Read(ref _queued) == 0 && _slots.Wait(0))
        {
            // Idle, and no company is waited for: this call is the whole batch. It runs here, on the caller's pool
            // thread, instead of going to the batch loop and its result coming back on a third thread; on a busy
            // 2-core machine each such hand-off costs more than a small model's run (bench/model-services.sh,
            // 1 client). Calls that arrive meanwhile queue for the loop as usual.
            RunBatch([.. items.Select((item, i) => new QueuedItem<TItem, TResult>(call, i, item, now))]);
            return call.Task;
        }

        Interlocked.Add(ref _queued, items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (!_queue.Writer.TryWrite(new QueuedItem<TItem, TResult>(call, i, items[i], now)))
            {
                Interlocked.Add(ref _queued, i - items.Count);
                throw new ObjectDisposedException(GetType().Name, "The model service is shutting down.");
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
            left.Call.SetException(new ObjectDisposedException(GetType().Name, "The model service shut down."));
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

    private async Task<List<QueuedItem<TItem, TResult>>> GatherAsync(ChannelReader<QueuedItem<TItem, TResult>> reader)
    {
        var batch = new List<QueuedItem<TItem, TResult>>(_options.MaxBatchSize);
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
    private void RunBatch(List<QueuedItem<TItem, TResult>> batch)
    {
        try
        {
            var clock = Stopwatch.StartNew();
            var results = _run([.. batch.Select(q => q.Item)], _stopping.Token);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Call.SetResult(batch[i].Index, results[i]);
            }

            _metrics.RecordBatch(batch.Count);
            ModelHostingLog.BatchRan(_logger, _verb, batch.Count, _unit, batch.Select(t => t.Call).Distinct().Count(), clock.ElapsedMilliseconds);
        }
        catch (Exception ex)
        {
            ModelHostingLog.BatchFailed(_logger, batch.Count, _unit, ex);
            foreach (var call in batch.Select(t => t.Call).Distinct())
            {
                call.SetException(ex);
            }
        }
        finally
        {
            _slots.Release();
        }
    }
}
