namespace RagPlatform.SemanticKernel;

/// <summary>
/// A value made once by an async call on first use. A failed or cancelled attempt is not kept: the next caller tries
/// again, so a gateway that was down when the application started does not break it for good.
/// </summary>
internal sealed class Deferred<T>(Func<Task<T>> create)
{
    private readonly Lock _gate = new();
    private Task<T>? _value;

    public bool TryGetValue(out T value)
    {
        var task = _value;
        value = task is { IsCompletedSuccessfully: true } ? task.Result : default!;
        return task is { IsCompletedSuccessfully: true };
    }

    public Task<T> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_value is null || _value.IsFaulted || _value.IsCanceled)
            {
                _value = create();
            }

            return _value.WaitAsync(cancellationToken);
        }
    }
}
