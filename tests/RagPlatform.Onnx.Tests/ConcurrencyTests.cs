namespace RagPlatform.Onnx.Tests;

[Trait("Category", "Unit")]
[Collection(OnnxCollection.Name)]
public sealed class ConcurrencyTests(OnnxTestEnvironment env)
{
    [Fact]
    public void Run_EightThreadsOnOneSession_EachGetsItsOwnResults()
    {
        const int threads = 8, runsPerThread = 250;
        using var session = env.Open("add_int64");
        using var shared = env.Runtime.CreateTensor(new long[] { 1000, 2000, 3000 }, 3);
        using var start = new Barrier(threads);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                for (var run = 0; run < runsPerThread; run++)
                {
                    long v = (t * 1_000_000) + run;
                    using var mine = env.Runtime.CreateTensor(new[] { v, v + 1, v + 2 }, 3);
                    using var outputs = session.Run([new("A", mine), new("B", shared)]);
                    long[] expected = [v + 1000, v + 2001, v + 3002];
                    if (!outputs["C"].GetData<long>().SequenceEqual(expected))
                    {
                        failures.Enqueue($"thread {t} run {run}: got [{string.Join(',', outputs["C"].ToArray<long>())}]");
                    }
                }
            }
            catch (Exception e)
            {
                failures.Enqueue($"thread {t}: {e}");
            }
        })).ToArray();

        Array.ForEach(workers, w => w.Start());
        Assert.All(workers, w => Assert.True(w.Join(TimeSpan.FromSeconds(120)), "a worker did not finish"));
        Assert.Empty(failures);
    }
}
