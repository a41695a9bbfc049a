using System.Collections.Concurrent;

namespace RagPlatform.ModelStore.Tests.Infrastructure;

/// <summary>Records progress synchronously (Progress&lt;T&gt; would post to the thread pool and race the assertions).</summary>
internal sealed class RecordingProgress(Action<FileProgress>? onReport = null) : IProgress<FileProgress>
{
    public ConcurrentQueue<FileProgress> Reports { get; } = new();

    public void Report(FileProgress value)
    {
        Reports.Enqueue(value);
        onReport?.Invoke(value);
    }

    public IReadOnlyList<FileProgress> For(string path) => Reports.Where(r => r.Path == path).ToList();
}
