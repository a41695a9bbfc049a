using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using RagPlatform.Inference.Tests.Infrastructure;

namespace RagPlatform.Inference.Tests.Runtime;

/// <summary>Runs on the toy graphs: cancellation through ORT's terminate flag, errors, and one session shared by threads.</summary>
[Trait("Category", "Unit")]
[Collection(InferenceCollection.Name)]
public sealed class OnnxSessionTests(InferenceEnvironment env)
{
    private const int Size = 64;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly string[] LoopInputs = ["trip_count", "initial"];
    private static readonly string[] LoopOutputs = ["final"];

    [Fact]
    public async Task Run_CancelledMidRun_StopsAndSessionStaysUsable()
    {
        using var session = env.OpenTestModel("long_loop");
        using var forever = TripCount(long.MaxValue);
        using var initial = OrtValue.CreateTensorValueFromMemory(Identity(), [Size, Size]);
        using var cts = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();

        var run = Task.Run(() =>
        {
            started.Set();
            using var outputs = session.Run(LoopInputs, [forever, initial], LoopOutputs, cts.Token);
        });
        Assert.True(started.Wait(Bound));
        await Task.Delay(200);
        await cts.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Bound));
        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.IsType<OnnxRuntimeException>(error.InnerException);

        using var three = TripCount(3);
        using var again = session.Run(LoopInputs, [three, initial], LoopOutputs, CancellationToken.None);
        AssertClose(ExpectedAfter(3, Identity()), again[0].GetTensorDataAsSpan<float>());
    }

    [Fact]
    public void Run_TokenAlreadyCancelled_ThrowsWithoutRunning()
    {
        using var session = env.OpenTestModel("long_loop");
        using var forever = TripCount(long.MaxValue);
        using var initial = OrtValue.CreateTensorValueFromMemory(Identity(), [Size, Size]);

        var error = Assert.Throws<OperationCanceledException>(() => session.Run(LoopInputs, [forever, initial], LoopOutputs, new CancellationToken(canceled: true)));

        Assert.Null(error.InnerException);
    }

    [Fact]
    public void Run_CancellableTokenNeverCancelled_CompletesNormally()
    {
        using var session = env.OpenTestModel("long_loop");
        using var two = TripCount(2);
        using var initial = OrtValue.CreateTensorValueFromMemory(Identity(), [Size, Size]);
        using var cts = new CancellationTokenSource();

        using var outputs = session.Run(LoopInputs, [two, initial], LoopOutputs, cts.Token);

        Assert.Equal([Size, (long)Size], outputs[0].GetTensorTypeAndShape().Shape);
        AssertClose(ExpectedAfter(2, Identity()), outputs[0].GetTensorDataAsSpan<float>());
    }

    [Fact]
    public async Task Run_OneOfConcurrentRunsCancelled_OnlyThatRunStops()
    {
        const int others = 3, iterations = 200;
        using var session = env.OpenTestModel("long_loop");
        using var forever = TripCount(long.MaxValue);
        using var finite = TripCount(iterations);
        using var initial = OrtValue.CreateTensorValueFromMemory(Identity(), [Size, Size]);
        using var cancelled = new CancellationTokenSource();
        using var untouched = new CancellationTokenSource();

        var endless = Task.Run(() =>
        {
            using var outputs = session.Run(LoopInputs, [forever, initial], LoopOutputs, cancelled.Token);
        });
        var finishing = Enumerable.Range(0, others).Select(_ => Task.Run(() =>
        {
            using var outputs = session.Run(LoopInputs, [finite, initial], LoopOutputs, untouched.Token);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        })).ToArray();

        var results = await Task.WhenAll(finishing).WaitAsync(Bound);
        Assert.False(endless.IsCompleted, "the endless run ended before it was cancelled");
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => endless.WaitAsync(Bound));
        var expected = ExpectedAfter(iterations, Identity());
        Assert.All(results, r => AssertClose(expected, r));
    }

    [Fact]
    public void Run_InvalidInputWithCancellableToken_ThrowsOrtErrorNotCancellation()
    {
        using var session = env.OpenTestModel("add_int64");
        using var ints = OrtValue.CreateTensorValueFromMemory(new long[] { 1, 2 }, [2]);
        using var floats = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 2 }, [2]);
        using var cts = new CancellationTokenSource();

        Assert.Throws<OnnxRuntimeException>(() => session.Run(["A", "B"], [ints, floats], ["C"], cts.Token));
        Assert.Throws<OnnxRuntimeException>(() => session.Run(["A", "Nope"], [ints, ints], ["C"], cts.Token));

        using var outputs = session.Run(["A", "B"], [ints, ints], ["C", "D"], cts.Token);
        Assert.Equal([2L, 4L], outputs[0].GetTensorDataAsSpan<long>().ToArray());
        Assert.Equal([1L, 4L], outputs[1].GetTensorDataAsSpan<long>().ToArray());
    }

    [Fact]
    public void Run_EightThreadsOnOneSession_EachGetsItsOwnResults()
    {
        const int threads = 8, runsPerThread = 250;
        using var session = env.OpenTestModel("add_int64");
        using var shared = OrtValue.CreateTensorValueFromMemory(new long[] { 1000, 2000, 3000 }, [3]);
        using var start = new Barrier(threads);
        var failures = new ConcurrentQueue<string>();

        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait(Bound);
                using var cts = new CancellationTokenSource();
                for (var run = 0; run < runsPerThread; run++)
                {
                    long v = (t * 1_000_000) + run;
                    using var mine = OrtValue.CreateTensorValueFromMemory(new[] { v, v + 1, v + 2 }, [3]);

                    // Half the runs go through per-run options (a cancellable token), half through the shared ones.
                    using var outputs = session.Run(["A", "B"], [mine, shared], ["C"], run % 2 == 0 ? cts.Token : CancellationToken.None);
                    long[] expected = [v + 1000, v + 2001, v + 3002];
                    if (!outputs[0].GetTensorDataAsSpan<long>().SequenceEqual(expected))
                    {
                        failures.Enqueue($"thread {t} run {run}: got [{string.Join(',', outputs[0].GetTensorDataAsSpan<long>().ToArray())}]");
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

    private static OrtValue TripCount(long count) => OrtValue.CreateTensorValueFromMemory(new[] { count }, []);

    private static float[] Identity()
    {
        var m = new float[Size * Size];
        for (var i = 0; i < Size; i++)
        {
            m[(i * Size) + i] = 1;
        }

        return m;
    }

    private static void AssertClose(float[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-4f);
        }
    }

    /// <summary>The builder's weights: ((row * 64 + column) % 7 - 3) / 16.</summary>
    private static float[] ExpectedAfter(int iterations, float[] state)
    {
        var w = new float[Size * Size];
        for (var i = 0; i < w.Length; i++)
        {
            w[i] = ((i % 7) - 3) / 16f;
        }

        for (var step = 0; step < iterations; step++)
        {
            var next = new float[Size * Size];
            for (var r = 0; r < Size; r++)
            {
                for (var c = 0; c < Size; c++)
                {
                    double sum = 0;
                    for (var k = 0; k < Size; k++)
                    {
                        sum += state[(r * Size) + k] * w[(k * Size) + c];
                    }

                    next[(r * Size) + c] = (float)Math.Tanh(sum);
                }
            }

            state = next;
        }

        return state;
    }
}
