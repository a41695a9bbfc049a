using RagPlatform.Inference.Embeddings;

namespace RagPlatform.Embedder.Batching;

/// <summary>One caller's texts on their way through the batcher; completes when every text has its embedding.</summary>
internal sealed class EmbedCall
{
    private readonly TaskCompletionSource<Embedding[]> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Embedding[] _results;
    private int _remaining;
    private CancellationTokenRegistration _cancellation;

    public EmbedCall(int count, CancellationToken cancellationToken)
    {
        _results = new Embedding[count];
        _remaining = count;
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.Register(() => _completion.TrySetCanceled(cancellationToken));
        }
    }

    public Task<Embedding[]> Task => _completion.Task;

    /// <summary>Finished, failed or cancelled: its remaining texts need no model time.</summary>
    public bool IsDone => _completion.Task.IsCompleted;

    public void SetResult(int index, Embedding embedding)
    {
        _results[index] = embedding;
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

/// <summary>One text waiting for a batch.</summary>
internal readonly record struct QueuedText(EmbedCall Call, int Index, string Text, EmbeddingRole Role, long EnqueuedAt);
