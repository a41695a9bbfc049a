using System.Collections.Concurrent;
using System.Diagnostics;
using RagPlatform.Retrieval.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RagPlatform.Retrieval.Tests.Embedded;

/// <summary>
/// kill -9 at random moments: a child process (<see cref="CrashWorker"/>) writes batches and acknowledges each;
/// after every kill the index must hold every acknowledged batch entirely, and the one batch in flight either
/// entirely or not at all.
/// </summary>
[Trait("Category", "Fault")]
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 12;
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task KillDashNine_AtRandomMoments_NeverLosesAnAcknowledgedBatchNorLeavesHalfOfOne()
    {
        var random = new Random(20240611);
        var acknowledged = new HashSet<int>();
        var started = new HashSet<int>();
        var nextBatch = 0;
        for (var round = 0; round < Kills; round++)
        {
            // Every fourth round kills without waiting for progress, so some kills land in opening and recovery.
            var waitForAck = round % 4 != 3;
            var acks = await RunAndKillAsync(nextBatch, waitForAck, TimeSpan.FromMilliseconds(random.Next(0, 300)));
            var last = acks.Count == 0 ? nextBatch - 1 : acks.Max();
            acknowledged.UnionWith(acks);
            started.UnionWith(Enumerable.Range(nextBatch, last - nextBatch + 2)); // the batch after the last ack may be in flight
            output.WriteLine($"round {round}: first batch {nextBatch}, acknowledged {acks.Count}, killed in batch {last + 1}");

            await VerifyAsync(acknowledged, started);

            // Skip the possibly committed in-flight batch number so every batch is written by one process only.
            nextBatch = last + 2;
        }

        Assert.True(acknowledged.Count >= Kills, $"only {acknowledged.Count} batches were acknowledged across {Kills} runs");
    }

    private async Task<List<int>> RunAndKillAsync(int firstBatch, bool waitForAck, TimeSpan extraDelay)
    {
        var acks = new ConcurrentQueue<int>();
        var firstAck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new ConcurrentQueue<string>();
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                ArgumentList = { typeof(CrashWorker).Assembly.Location, "crash-worker", _root.Path, firstBatch.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is ['A', 'C', 'K', ' ', .. var number])
            {
                acks.Enqueue(int.Parse(number, System.Globalization.CultureInfo.InvariantCulture));
                firstAck.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                errors.Enqueue(line);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (waitForAck)
            {
                await firstAck.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }

            await Task.Delay(extraDelay);
            Assert.False(process.HasExited, "the worker stopped on its own: " + string.Join(Environment.NewLine, errors));
        }
        finally
        {
            process.Kill(); // SIGKILL on Unix: no finally blocks, no flushes, no dispose in the child
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        return [.. acks];
    }

    private async Task VerifyAsync(HashSet<int> acknowledged, HashSet<int> started)
    {
        await using var index = await EmbeddedIndex.OpenAsync(CrashWorker.Options(_root.Path)).Bounded();
        if (await index.GetCollectionAsync(CrashWorker.Collection).Bounded() is null)
        {
            Assert.Empty(acknowledged);
            return;
        }

        long expectedTotal = 0;
        foreach (var batch in started.Order())
        {
            var ids = Enumerable.Range(0, CrashWorker.BatchSize).Select(i => CrashWorker.Point(batch, i).Id).ToArray();
            var present = (await index.GetAsync(CrashWorker.Collection, ids).Bounded()).Count;
            var temporaryIds = Enumerable.Range(0, CrashWorker.TemporaryGroupSize).Select(i => CrashWorker.Point(batch, i, "t").Id).ToArray();
            var temporary = (await index.GetAsync(CrashWorker.Collection, temporaryIds).Bounded()).Count;
            if (acknowledged.Contains(batch))
            {
                Assert.True(present == CrashWorker.BatchSize, $"acknowledged batch {batch} has {present} of {CrashWorker.BatchSize} points");
                Assert.True(temporary == 0, $"acknowledged batch {batch} still has {temporary} temporary points");
            }
            else
            {
                Assert.True(present is 0 or CrashWorker.BatchSize, $"unacknowledged batch {batch} is half there: {present} points");
                Assert.True(temporary is 0 or CrashWorker.TemporaryGroupSize, $"batch {batch} has {temporary} temporary points");
            }

            expectedTotal += present + temporary;
        }

        Assert.Equal(expectedTotal, await index.CountAsync(CrashWorker.Collection).Bounded());
        var probe = CrashWorker.Point(acknowledged.Count > 0 ? acknowledged.Max() : 0, 3);
        var hits = await index.SearchAsync(CrashWorker.Collection, new SearchRequest { Mode = SearchMode.Dense, Vector = probe.Vector, Limit = 1 }).Bounded();
        Assert.True(acknowledged.Count == 0 || hits[0].Score > 0.9999f, "the dense index lost an acknowledged vector");
    }
}
