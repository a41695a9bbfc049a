using System.Collections.Concurrent;
using System.Diagnostics;

namespace RagPlatform.Bench.Platform;

/// <summary>One round of a closed-loop measurement: each sample with the time it completed, and the round's window.</summary>
internal sealed record LoopRound<T>(IReadOnlyList<(T Sample, TimeSpan CompletedAt)> Completed, TimeSpan Window);

/// <summary>
/// What closed-loop rounds produced. Latency uses every sample. Throughput is the steady rate: in each round, the
/// completions after the first one and inside the window, over the time from the first completion to the window's
/// end. That leaves out the start (all users asking at once, nothing finished yet) and the stragglers after the
/// window (fewer users active), both of which would understate a many-user rate in short rounds.
/// </summary>
internal sealed record LoopResult<T>(IReadOnlyList<LoopRound<T>> Rounds)
{
    public IReadOnlyList<T> Samples => [.. Rounds.SelectMany(r => r.Completed.Select(c => c.Sample))];

    public double PerSecond(Func<T, bool> counted)
    {
        var (count, seconds) = (0, 0.0);
        foreach (var round in Rounds.Where(r => r.Completed.Count > 1))
        {
            var first = round.Completed.Min(c => c.CompletedAt);
            count += round.Completed.Count(c => c.CompletedAt > first && c.CompletedAt <= round.Window && counted(c.Sample));
            seconds += (round.Window - first).TotalSeconds;
        }

        return seconds > 0 ? count / seconds : double.NaN;
    }

    /// <summary>The same rate for each round on its own: how much it moved while the measurement ran.</summary>
    public IReadOnlyList<double> PerSecondByRound(Func<T, bool> counted) => [.. Rounds.Select(r => new LoopResult<T>([r]).PerSecond(counted))];

    public static LoopResult<T> Merge(IEnumerable<LoopResult<T>> results) => new([.. results.SelectMany(r => r.Rounds)]);
}

/// <summary>
/// Closed-loop users: each sends a request, waits for the whole answer, and sends the next one at once, for a fixed
/// duration or until a total request count is issued. Requests in flight when time is up finish and are recorded.
/// </summary>
internal static class ClosedLoop
{
    public static async Task<LoopResult<T>> RunAsync<T>(int users, TimeSpan duration, int? requests,
        Func<int, long, CancellationToken, Task<T>> request, CancellationToken cancellationToken)
    {
        var samples = new ConcurrentQueue<(T Sample, TimeSpan CompletedAt)>();
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

                var sample = await request(user, turn, cancellationToken);
                samples.Enqueue((sample, clock.Elapsed));
            }
        }, cancellationToken)));

        // A request count has no fixed window: it lasts until the last answer.
        return new LoopResult<T>([new LoopRound<T>([.. samples], requests is null ? duration : clock.Elapsed)]);
    }
}
