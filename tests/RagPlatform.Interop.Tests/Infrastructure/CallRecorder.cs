using System.Collections.Concurrent;

namespace RagPlatform.Interop.Tests.Infrastructure;

/// <summary>What the test server saw of each call that carried a call_id.</summary>
public sealed class CallRecorder
{
    private readonly ConcurrentDictionary<string, Entry> _calls = new(StringComparer.Ordinal);

    public int Count => _calls.Count;

    public Entry? Start(string callId) => string.IsNullOrEmpty(callId) ? null : _calls.GetOrAdd(callId, _ => new Entry());

    public async Task<Entry?> WaitForEndAsync(string callId, TimeSpan wait)
    {
        if (!_calls.TryGetValue(callId, out var entry))
        {
            await Task.Delay(wait);
            _calls.TryGetValue(callId, out entry);
            if (entry is null)
            {
                return null;
            }
        }

        await Task.WhenAny(entry.Ended, Task.Delay(wait));
        return entry;
    }

    public sealed class Entry
    {
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Cancelled { get; set; }

        public Task Ended => _ended.Task;

        public void End() => _ended.TrySetResult();
    }
}
