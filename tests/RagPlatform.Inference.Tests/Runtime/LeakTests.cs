using Microsoft.ML.OnnxRuntime;
using RagPlatform.Inference.Runtime;
using RagPlatform.Inference.Tests.Infrastructure;

namespace RagPlatform.Inference.Tests.Runtime;

[Trait("Category", "Unit")]
[Collection(InferenceCollection.Name)]
public sealed class LeakTests(InferenceEnvironment env)
{
    [Fact]
    public void Run_HundredThousandTimes_ResidentMemoryStaysFlat()
    {
        // Each run pins an input, gets a 512 B output and, every other run, creates run options and a token registration:
        // a leak of any of them would add well over 20 MB in 100k runs.
        const long boundBytes = 20L * 1024 * 1024;
        using var session = env.OpenTestModel("matmul_float");
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

    private static void RunMany(OnnxSession session, float[] input, int runs)
    {
        string[] inputNames = ["X"], outputNames = ["Y"];
        using var cancellation = new CancellationTokenSource();
        float checksum = 0;
        for (var i = 0; i < runs; i++)
        {
            using var x = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(), [1, 64, 4]);
            using var outputs = session.Run(inputNames, [x], outputNames, i % 2 == 0 ? cancellation.Token : CancellationToken.None);
            checksum += outputs[0].GetTensorDataAsSpan<float>()[0];
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
