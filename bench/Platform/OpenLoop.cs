using System.Collections.Concurrent;
using System.Diagnostics;

namespace RagPlatform.Bench.Platform;

/// <summary>One soak request: its kind, null or what went wrong, and its latency from the moment it was due.</summary>
internal sealed record SoakSample(string Kind, string? Error, double LatencyMs, TimeSpan DueAt);

/// <summary>
/// Open-loop load: requests start on a fixed schedule whether or not earlier ones have finished, as independent users
/// would send them. Latency is measured from when a request was due, not when it was sent, so a stalled platform
/// shows up in the figures instead of quietly lowering the rate. In-flight requests are bounded: a request that
/// cannot start because <c>maxInFlight</c> are already running is recorded as an error ("client: in-flight bound").
/// </summary>
internal sealed class OpenLoop(Stopwatch clock, int maxInFlight)
{
    private readonly ConcurrentQueue<SoakSample> _samples = new();
    private readonly ConcurrentQueue<Task> _running = new();
    private int _inFlight;

    public IReadOnlyList<SoakSample> Samples => [.. _samples];

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Starts <paramref name="request"/> <paramref name="perSecond"/> times a second until <paramref name="until"/> on the clock.</summary>
    public async Task ScheduleAsync(string kind, double perSecond, TimeSpan until, Func<long, CancellationToken, Task<string?>> request,
        CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromSeconds(1 / perSecond);
        for (long k = 0; ; k++)
        {
            var due = period * k;
            if (due >= until || cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (due - clock.Elapsed is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait, cancellationToken);
            }

            if (Interlocked.Increment(ref _inFlight) > maxInFlight)
            {
                Interlocked.Decrement(ref _inFlight);
                _samples.Enqueue(new SoakSample(kind, "client: in-flight bound", 0, due));
                continue;
            }

            _running.Enqueue(RunAsync(kind, k, due, request, cancellationToken));
        }
    }

    /// <summary>Waits for every started request to finish.</summary>
    public Task DrainAsync() => Task.WhenAll(_running);

    private async Task RunAsync(string kind, long k, TimeSpan due, Func<long, CancellationToken, Task<string?>> request, CancellationToken cancellationToken)
    {
        // Off the scheduling loop at once, so a slow request never delays the next one's start.
        await Task.Yield();
        try
        {
            var error = await request(k, cancellationToken);
            _samples.Enqueue(new SoakSample(kind, error, (clock.Elapsed - due).TotalMilliseconds, due));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _samples.Enqueue(new SoakSample(kind, ex.GetType().Name, (clock.Elapsed - due).TotalMilliseconds, due));
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
