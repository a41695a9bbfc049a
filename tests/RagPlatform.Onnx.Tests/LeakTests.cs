namespace RagPlatform.Onnx.Tests;

[Trait("Category", "Unit")]
[Collection(OnnxCollection.Name)]
public sealed class LeakTests(OnnxTestEnvironment env)
{
    [Fact]
    public void Run_HundredThousandTimes_ResidentMemoryStaysFlat()
    {
        // Each run creates an input and gets an output of 1 KB / 512 B plus two OrtValues: a leak of
        // either would add ~100 MB over 100k runs, well past the bound.
        const long boundBytes = 20L * 1024 * 1024;
        using var session = env.Open("matmul_float");
        var input = Enumerable.Range(0, 64 * 4).Select(v => (float)(v % 5)).ToArray();

        // Allocators and the GC settle in during the first windows (a one-off growth of tens of MB was seen on a
        // loaded machine); a leak grows every window. The last window must stay under the bound.
        RunMany(session, input, 20_000);
        RunMany(session, input, 100_000);
        var before = ResidentBytes();
        RunMany(session, input, 100_000);
        var after = ResidentBytes();

        Assert.True(after - before < boundBytes, $"RSS grew by {(after - before) / 1024} KiB over 100,000 runs (before {before / 1024} KiB).");
    }

    private void RunMany(InferenceSession session, float[] input, int runs)
    {
        float checksum = 0;
        for (var i = 0; i < runs; i++)
        {
            using var x = env.Runtime.CreateTensor(input, 1, 64, 4);
            using var outputs = session.Run([new("X", x)]);
            checksum += outputs[0].GetData<float>()[0];
        }

        Assert.Equal(runs * (input[0] + input[2] + (2 * input[3]) + 10), checksum);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static long ResidentBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
    }
}
