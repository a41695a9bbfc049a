using System.Diagnostics;
using RagPlatform.Retrieval;
using RagPlatform.Retrieval.Vectors;

using RagPlatform.Bench;

namespace RagPlatform.Bench.RetrievalIndex;

/// <summary>
/// Queries/s and recall@10 of the exact SIMD scan and of the HNSW graph over the first --count base vectors, one
/// query at a time on one thread, as the embedded index runs them. Each pass runs every query once; the best pass
/// counts (load from other work on the machine only ever slows a pass down).
/// </summary>
internal static class IndexBench
{
    private const int K = 10;

    public static int Generate(BenchArguments args)
    {
        var directory = args.String("out");
        var count = args.Int("count");
        var queries = args.Int("queries");
        var defaults = new ClusteredVectors();
        var dataset = new ClusteredVectors(
            Dimensions: args.Int("dimensions", defaults.Dimensions),
            LatentDimensions: args.Int("latent", defaults.LatentDimensions),
            Clusters: args.Int("clusters", defaults.Clusters),
            ClusterSpread: args.Double("spread", defaults.ClusterSpread),
            Noise: args.Double("noise", defaults.Noise),
            Seed: args.Int("seed", defaults.Seed));
        Directory.CreateDirectory(directory);
        var clock = Stopwatch.StartNew();
        VectorFile.Write(Path.Combine(directory, VectorFile.QueryFile), queries, dataset.Dimensions, s => dataset.WriteQueries(s, queries));
        VectorFile.Write(Path.Combine(directory, VectorFile.BaseFile), count, dataset.Dimensions, s => dataset.WriteBase(s, count));
        BenchArguments.Emit(new { command = "generate", count, queries, dataset = dataset.Describe(), seconds = clock.Elapsed.TotalSeconds });
        return 0;
    }

    public static int Truth(BenchArguments args)
    {
        var count = args.Int("count");
        var data = VectorFile.Read(Path.Combine(args.String("data"), VectorFile.BaseFile), count, out var dimensions);
        var queries = ReadQueries(args);
        var clock = Stopwatch.StartNew();
        var truth = GroundTruth.Compute(data, count, queries, dimensions, args.Int("k"));
        GroundTruth.Write(args.String("out"), truth, args.Int("k"), count);
        BenchArguments.Emit(new { command = "truth", count, queries = queries.Length / dimensions, seconds = clock.Elapsed.TotalSeconds });
        return 0;
    }

    public static int Exact(BenchArguments args)
    {
        var (arena, live, queries, truth) = Load(args);
        var passes = args.Int("passes", 1);
        if (args.Int("max-queries", 0) is > 0 and var limit && limit * arena.Dimensions < queries.Length)
        {
            queries = queries[..(limit * arena.Dimensions)]; // a full scan of 1M vectors takes ~0.1 s per query
        }

        var result = Measure(queries, arena.Dimensions, passes, q => Ids(ExactSearch.Top(arena, q, K, live)));
        BenchArguments.Emit(new
        {
            engine = "csharp-exact",
            count = arena.Count,
            queries = queries.Length / arena.Dimensions,
            recallAt10 = GroundTruth.Recall(truth, K, result.Found),
            queriesPerSecond = result.Best,
            medianQueriesPerSecond = result.Median,
            queriesPerCpuSecond = result.BestPerCpuSecond,
            passes,
            vmHwmKb = BenchArguments.PeakResidentKb(),
        });
        return 0;
    }

    public static async Task<int> HnswAsync(BenchArguments args)
    {
        var (arena, live, queries, truth) = Load(args);
        var loadedKb = BenchArguments.ResidentKb();
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var parameters = new HnswParameters(M: args.Int("m"), EfConstruction: args.Int("ef-construction"));
        var graph = new HnswGraph(arena, parameters);
        var clock = Stopwatch.StartNew();
        for (var slot = 0; slot < arena.Count; slot++)
        {
            graph.Insert(slot);
            if ((slot + 1) % Math.Max(1, arena.Count / 10) == 0)
            {
                Console.Error.WriteLine($"csharp-hnsw: built {slot + 1}/{arena.Count} in {clock.Elapsed.TotalSeconds:F0} s");
            }
        }

        var buildSeconds = clock.Elapsed.TotalSeconds;
        var builtKb = BenchArguments.ResidentKb();
        var graphBytes = GC.GetTotalMemory(forceFullCollection: true) - managedBefore; // the graph's arrays are all that stays live
        BenchArguments.Emit(new
        {
            engine = "csharp-hnsw",
            phase = "build",
            count = arena.Count,
            m = parameters.M,
            efConstruction = parameters.EfConstruction,
            buildSeconds,
            vectorsRssKb = loadedKb,
            graphRssKb = builtKb - loadedKb,
            graphBytes,
            vectorBytes = (long)arena.Count * arena.Dimensions * sizeof(float),
            vmHwmKb = BenchArguments.PeakResidentKb(),
        });

        var sync = PeerSync.From(args, "csharp-hnsw");
        await sync.BuiltAsync();
        var passes = args.Int("passes", 3);
        foreach (var ef in args.Ints("ef-search"))
        {
            var result = Measure(queries, arena.Dimensions, passes, q => Ids(graph.Search(q, K, ef, live, filter: null)));
            BenchArguments.Emit(new
            {
                engine = "csharp-hnsw",
                phase = "search",
                count = arena.Count,
                m = parameters.M,
                efConstruction = parameters.EfConstruction,
                efSearch = ef,
                recallAt10 = GroundTruth.Recall(truth, K, result.Found),
                queriesPerSecond = result.Best,
                medianQueriesPerSecond = result.Median,
                queriesPerCpuSecond = result.BestPerCpuSecond,
                passes,
            });
        }

        sync.Searched();
        return 0;
    }

    private static (VectorArena Arena, SlotSet Live, float[] Queries, int[] Truth) Load(BenchArguments args)
    {
        var count = args.Int("count");
        var data = VectorFile.Read(Path.Combine(args.String("data"), VectorFile.BaseFile), count, out var dimensions);
        var arena = new VectorArena(dimensions, data, count); // the file holds unit vectors: adopted as they are
        var live = new SlotSet(count);
        for (var slot = 0; slot < count; slot++)
        {
            live.Add(slot);
        }

        var (truth, k) = GroundTruth.Read(args.String("truth"), count);
        return k < K ? throw new InvalidDataException($"The ground truth holds {k} neighbours per query, not {K}.") : (arena, live, ReadQueries(args), truth);
    }

    private static float[] ReadQueries(BenchArguments args)
    {
        var path = Path.Combine(args.String("data"), VectorFile.QueryFile);
        return VectorFile.Read(path, VectorFile.ReadHeader(path).Count, out _);
    }

    private static int[] Ids(List<(int Slot, float Score)> hits) => [.. hits.Select(h => h.Slot)];

    private static Measurement Measure(float[] queries, int dimensions, int passes, Func<float[], int[]> search)
    {
        var vectors = Enumerable.Range(0, queries.Length / dimensions).Select(q => queries.AsSpan(q * dimensions, dimensions).ToArray()).ToArray();
        for (var q = 0; q < Math.Min(20, vectors.Length); q++)
        {
            search(vectors[q]); // warm-up: JIT tiers, caches
        }

        var rates = new List<double>();
        var cpuRates = new List<double>();
        var found = new List<int[]>();
        using var process = Process.GetCurrentProcess();
        for (var pass = 0; pass < passes; pass++)
        {
            found = new List<int[]>(vectors.Length);
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            foreach (var query in vectors)
            {
                found.Add(search(query));
            }

            rates.Add(vectors.Length / clock.Elapsed.TotalSeconds);
            process.Refresh();
            cpuRates.Add(vectors.Length / (process.TotalProcessorTime - cpuBefore).TotalSeconds);
        }

        rates.Sort();
        cpuRates.Sort();
        return new Measurement(found, rates[^1], rates[rates.Count / 2], cpuRates[^1]);
    }

    /// <param name="BestPerCpuSecond">Queries per second of this process's CPU time, best pass: less sensitive to other
    /// work on a shared machine than wall time (which is what <paramref name="Best"/> is).</param>
    private sealed record Measurement(List<int[]> Found, double Best, double Median, double BestPerCpuSecond);
}
