using System.Diagnostics;
using RagPlatform.Retrieval.Tests.Infrastructure;
using RagPlatform.Retrieval.Vectors;
using Xunit.Abstractions;

namespace RagPlatform.Retrieval.Tests.Vectors;

[Trait("Category", "Unit")]
public sealed class HnswGraphTests(ITestOutputHelper output)
{
    private static (VectorArena Arena, SlotSet Live) Arena(float[][] vectors)
    {
        var arena = new VectorArena(vectors[0].Length);
        var live = new SlotSet();
        foreach (var vector in vectors)
        {
            live.Add(arena.Add(VectorMath.Normalized(vector)));
        }

        return (arena, live);
    }

    private static List<int> Exact(VectorArena arena, SlotSet live, float[] query, int k, Func<int, bool>? accept = null)
    {
        var top = new TopK(k);
        for (var slot = 0; slot < arena.Count; slot++)
        {
            if (live.Contains(slot) && (accept is null || accept(slot)))
            {
                top.Offer(arena.Similarity(query, slot), slot);
            }
        }

        return top.ToDescending().ConvertAll(h => h.Slot);
    }

    [Fact]
    public void Recall_At10_On5000Random64DimensionalVectors_IsAtLeast95Percent_WithDefaultParameters()
    {
        var (arena, live) = Arena(TestVectors.Random(5_000, 64, seed: 7));
        var graph = new HnswGraph(arena, new HnswParameters());
        var clock = Stopwatch.StartNew();
        for (var slot = 0; slot < arena.Count; slot++)
        {
            graph.Insert(slot);
        }

        var queries = TestVectors.Random(200, 64, seed: 8).Select(v => VectorMath.Normalized(v)).ToArray();
        var found = 0;
        foreach (var query in queries)
        {
            var approximate = graph.Search(query, 10, new HnswParameters().EfSearch, live, null).Select(h => h.Slot);
            found += approximate.Intersect(Exact(arena, live, query, 10)).Count();
        }

        var recall = found / (10.0 * queries.Length);
        output.WriteLine($"recall@10 = {recall:F4}; build + search took {clock.ElapsedMilliseconds} ms");
        Assert.True(recall >= 0.95, $"recall@10 {recall:F4} < 0.95");
    }

    [Fact]
    public void Search_SkipsDeadAndFilteredNodes_ButStillRoutesThroughThem()
    {
        var (arena, live) = Arena(TestVectors.Random(2_000, 16, seed: 3));
        var graph = new HnswGraph(arena, new HnswParameters(M: 8, EfConstruction: 100, EfSearch: 64));
        for (var slot = 0; slot < arena.Count; slot++)
        {
            graph.Insert(slot);
        }

        for (var slot = 0; slot < arena.Count; slot += 3)
        {
            live.Remove(slot); // a third of the points deleted
        }

        var even = new SlotSet();
        for (var slot = 0; slot < arena.Count; slot += 2)
        {
            even.Add(slot);
        }

        var found = 0;
        var queries = TestVectors.Random(50, 16, seed: 4).Select(v => VectorMath.Normalized(v)).ToArray();
        foreach (var query in queries)
        {
            var hits = graph.Search(query, 10, 64, live, even);
            Assert.All(hits, h => Assert.True(live.Contains(h.Slot) && h.Slot % 2 == 0, $"slot {h.Slot} should have been skipped"));
            found += hits.Select(h => h.Slot).Intersect(Exact(arena, live, query, 10, s => s % 2 == 0)).Count();
        }

        Assert.True(found / (10.0 * queries.Length) >= 0.9);
    }

    [Fact]
    public void Build_IsDeterministic_AndSurvivesASerialisationRoundTrip()
    {
        var (arena, live) = Arena(TestVectors.Random(1_000, 8, seed: 5));
        var parameters = new HnswParameters(M: 6, EfConstruction: 50, EfSearch: 20, Seed: 9);
        var first = new HnswGraph(arena, parameters);
        var second = new HnswGraph(arena, parameters);
        for (var slot = 0; slot < arena.Count; slot++)
        {
            first.Insert(slot);
            second.Insert(slot);
        }

        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            first.WriteTo(writer);
        }

        var secondBytes = new MemoryStream();
        using (var writer = new BinaryWriter(secondBytes))
        {
            second.WriteTo(writer);
            Assert.Equal(buffer.ToArray(), secondBytes.ToArray());
        }

        buffer.Position = 0;
        var loaded = HnswGraph.ReadFrom(new BinaryReader(buffer), arena, parameters);
        var query = VectorMath.Normalized(TestVectors.Random(1, 8, seed: 6)[0]);
        Assert.Equal(first.Search(query, 5, 20, live, null), loaded.Search(query, 5, 20, live, null));
    }

    [Fact]
    public void ReadFrom_RejectsLinksToMissingNodes()
    {
        var (arena, _) = Arena(TestVectors.Random(50, 4, seed: 1));
        var parameters = new HnswParameters(M: 4);
        var graph = new HnswGraph(arena, parameters);
        for (var slot = 0; slot < arena.Count; slot++)
        {
            graph.Insert(slot);
        }

        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            graph.WriteTo(writer);
        }

        var bytes = buffer.ToArray();
        BitConverter.GetBytes(12_345).CopyTo(bytes, 12 + 1 + 4); // the first link of node 0 points nowhere

        Assert.Throws<InvalidDataException>(() => HnswGraph.ReadFrom(new BinaryReader(new MemoryStream(bytes)), arena, parameters));
    }
}
