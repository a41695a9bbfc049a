using System.Diagnostics;
using System.Numerics.Tensors;

namespace RagPlatform.Bench.ModelRuntime;

/// <summary>
/// Streaming-read memory bandwidth: threads each sum their share of a buffer far larger than the caches, over and
/// over, for a fixed time. The ceiling a bandwidth-bound decode step can reach.
/// </summary>
internal static class BandwidthBench
{
    public static int Run(BenchArguments args)
    {
        var megabytes = args.Int("mb");
        var seconds = args.Int("seconds");
        var threads = args.Int("threads");
        var buffer = GC.AllocateUninitializedArray<float>(megabytes * 1024 * 1024 / sizeof(float));
        buffer.AsSpan().Fill(1f);
        var share = buffer.Length / threads;

        long bytes = 0;
        var clock = Stopwatch.StartNew();
        var passes = 0;
        float checksum = 0;
        while (clock.Elapsed.TotalSeconds < seconds || passes < 2)
        {
            var sums = new float[threads];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => sums[t] = TensorPrimitives.Sum(buffer.AsSpan(t * share, share)));
            checksum += sums.Sum();
            bytes += (long)share * threads * sizeof(float);
            passes++;
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        return BenchArguments.Emit(new { peer = "csharp-bandwidth", threads, megabytes, passes, gigabytesPerSecond = bytes / elapsed / 1e9, checksum });
    }
}
