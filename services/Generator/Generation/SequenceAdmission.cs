namespace RagPlatform.Generator.Generation;

/// <summary>
/// Admits at most <c>maxActive</c> sequences at once and lets up to <c>maxQueued</c> more wait, first come first
/// served; beyond that a call is refused at once so clients back off instead of piling up. A waiter whose token fires
/// leaves the queue immediately. Disposing a <see cref="Slot"/> hands it straight to the next waiter.
/// </summary>
internal sealed class SequenceAdmission
{
    private readonly Lock _gate = new();
    private readonly LinkedList<TaskCompletionSource<Slot>> _waiters = new();
    private readonly int _maxActive;
    private readonly int _maxQueued;
    private int _active;

    public SequenceAdmission(int maxActive, int maxQueued)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxActive);
        ArgumentOutOfRangeException.ThrowIfNegative(maxQueued);
        _maxActive = maxActive;
        _maxQueued = maxQueued;
    }

    public int ActiveSequences
    {
        get
        {
            lock (_gate)
            {
                return _active;
            }
        }
    }

    public int QueueDepth
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>A slot now, a slot later, or null when both the slots and the queue are full.</summary>
    /// <exception cref="OperationCanceledException">The token fired while waiting.</exception>
    public ValueTask<Slot?> TryEnterAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource<Slot> waiter;
        LinkedListNode<TaskCompletionSource<Slot>> node;
        lock (_gate)
        {
            if (_active < _maxActive && _waiters.Count == 0)
            {
                _active++;
                return ValueTask.FromResult<Slot?>(new Slot(this));
            }

            if (_waiters.Count >= _maxQueued)
            {
                return ValueTask.FromResult<Slot?>(null);
            }

            waiter = new TaskCompletionSource<Slot>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }

        return WaitAsync(node, cancellationToken);
    }

    private async ValueTask<Slot?> WaitAsync(LinkedListNode<TaskCompletionSource<Slot>> node, CancellationToken cancellationToken)
    {
        await using (cancellationToken.UnsafeRegister(static (state, token) =>
        {
            var (admission, waiter) = ((SequenceAdmission, LinkedListNode<TaskCompletionSource<Slot>>))state!;
            admission.Abandon(waiter, token);
        }, (this, node)))
        {
            return await node.Value.Task.ConfigureAwait(false);
        }
    }

    private void Abandon(LinkedListNode<TaskCompletionSource<Slot>> node, CancellationToken token)
    {
        lock (_gate)
        {
            // Already handed a slot by Release: the caller owns it and releases it when it sees the cancellation.
            if (node.List is null)
            {
                return;
            }

            _waiters.Remove(node);
        }

        node.Value.TrySetCanceled(token);
    }

    private void Release()
    {
        lock (_gate)
        {
            if (_waiters.First is { } next)
            {
                // The slot passes to the next waiter without ever being free, so no newcomer can overtake the queue.
                _waiters.RemoveFirst();
                next.Value.TrySetResult(new Slot(this));
                return;
            }

            _active--;
        }
    }

    /// <summary>The right to run one sequence; dispose it exactly when the sequence's KV cache is gone.</summary>
    public sealed class Slot(SequenceAdmission owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
