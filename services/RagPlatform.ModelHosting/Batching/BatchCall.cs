namespace RagPlatform.ModelHosting.Batching;

/// <summary>One caller's items on their way through the batcher; completes when every item has its result.</summary>
internal sealed class BatchCall<TResult>
{
    private readonly TaskCompletionSource<TResult[]> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TResult[] _results;
    private int _remaining;
    private CancellationTokenRegistration _cancellation;

    public BatchCall(int count, CancellationToken cancellationToken)
    {
        _results = new TResult[count];
        _remaining = count;
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.Register(() => _completion.TrySetCanceled(cancellationToken));
        }
    }

    public Task<TResult[]> Task => _completion.Task;

    /// <summary>Finished, failed or cancelled: its remaining items need no model time.</summary>
    public bool IsDone => _completion.Task.IsCompleted;

    public void SetResult(int index, TResult result)
    {
        _results[index] = result;
        if (Interlocked.Decrement(ref _remaining) == 0 && _completion.TrySetResult(_results))
        {
            _cancellation.Dispose();
        }
    }

    public void SetException(Exception exception)
    {
        if (_completion.TrySetException(exception))
        {
            _cancellation.Dispose();
        }
    }
}

/// <summary>One item waiting for a batch.</summary>
internal readonly record struct QueuedItem<TItem, TResult>(BatchCall<TResult> Call, int Index, TItem Item, long EnqueuedAt);
