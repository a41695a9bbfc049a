using System.Collections.Concurrent;
using System.Diagnostics;

namespace RagPlatform.Bench.Platform;

/// <summary>What a closed-loop measurement produced: every sample, and the wall time until the last one finished.</summary>
internal sealed record LoopResult<T>(IReadOnlyList<T> Samples, TimeSpan Elapsed)
{
    public double PerSecond(Func<T, bool> counted) => Samples.Count(counted) / Elapsed.TotalSeconds;
}

/// <summary>
/// Closed-loop users: each sends a request, waits for the whole answer, and sends the next one at once, for a fixed
/// duration or until a total request count is issued. Requests in flight when time is up are allowed to finish and
/// count (the elapsed time includes them), so no answer is cut short.
/// </summary>
internal static class ClosedLoop
{
    public static async Task<LoopResult<T>> RunAsync<T>(int users, TimeSpan duration, int? requests,
        Func<int, long, CancellationToken, Task<T>> request, CancellationToken cancellationToken)
    {
        var samples = new ConcurrentQueue<T>();
        long issued = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, users).Select(user => Task.Run(async () =>
        {
            for (long turn = 0; !cancellationToken.IsCancellationRequested; turn++)
            {
                var more = requests is { } total ? Interlocked.Increment(ref issued) <= total : clock.Elapsed < duration;
                if (!more)
                {
                    return;
                }

                samples.Enqueue(await request(user, turn, cancellationToken));
            }
        }, cancellationToken)));
        return new LoopResult<T>([.. samples], clock.Elapsed);
    }
}
