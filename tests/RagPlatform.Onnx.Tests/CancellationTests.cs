namespace RagPlatform.Onnx.Tests;

[Trait("Category", "Unit")]
[Collection(OnnxCollection.Name)]
public sealed class CancellationTests(OnnxTestEnvironment env)
{
    private const int Size = 64;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Run_CancelledMidRun_StopsAndSessionStaysUsable()
    {
        using var session = env.Open("long_loop");
        using var forever = env.Runtime.CreateTensor([long.MaxValue], []);
        using var initial = env.Runtime.CreateTensor(Identity(), Size, Size);
        using var cts = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();

        var run = Task.Run(() =>
        {
            started.Set();
            using var outputs = session.Run([new("trip_count", forever), new("initial", initial)], cancellationToken: cts.Token);
        });
        Assert.True(started.Wait(Bound));
        await Task.Delay(200);
        await cts.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Bound));
        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.IsType<OnnxRuntimeException>(error.InnerException);

        using var three = env.Runtime.CreateTensor([3L], []);
        using var outputs = session.Run([new("trip_count", three), new("initial", initial)], cancellationToken: CancellationToken.None);
        var expected = ExpectedAfter(3, Identity());
        var actual = outputs["final"].ToArray<float>();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-5f);
        }
    }

    [Fact]
    public void Run_TokenAlreadyCancelled_ThrowsWithoutRunning()
    {
        using var session = env.Open("long_loop");
        using var forever = env.Runtime.CreateTensor([long.MaxValue], []);
        using var initial = env.Runtime.CreateTensor(Identity(), Size, Size);

        Assert.Throws<OperationCanceledException>(() => session.Run([new("trip_count", forever), new("initial", initial)], cancellationToken: new CancellationToken(canceled: true)));
    }

    [Fact]
    public void Run_CancellableTokenNeverCancelled_CompletesNormally()
    {
        using var session = env.Open("long_loop");
        using var two = env.Runtime.CreateTensor([2L], []);
        using var initial = env.Runtime.CreateTensor(Identity(), Size, Size);
        using var cts = new CancellationTokenSource();

        using var outputs = session.Run([new("trip_count", two), new("initial", initial)], cancellationToken: cts.Token);

        Assert.Equal([Size, (long)Size], outputs["final"].Shape.ToArray());
    }

    private static float[] Identity()
    {
        var m = new float[Size * Size];
        for (var i = 0; i < Size; i++)
        {
            m[(i * Size) + i] = 1;
        }

        return m;
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
