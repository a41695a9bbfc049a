namespace RagPlatform.Retrieval.Tests.Embedded;

/// <summary>
/// The child process of the crash test: writes numbered batches forever and prints "ACK n" once every write of
/// batch n has returned (so is claimed durable). The parent kills it with SIGKILL at random moments.
/// Batch n: one upsert of its <see cref="BatchSize"/> points (plus an identical rewrite of a point of batch n - 1,
/// which leaves a dead slot behind); every third batch also upserts and then deletes a group of temporary points.
/// </summary>
internal static class CrashWorker
{
    public const string Collection = "crash";
    public const int BatchSize = 40;
    public const int TemporaryGroupSize = 5;
    public const int Dimensions = 8;

    /// <summary>Small thresholds so the kills also land in HNSW builds, snapshot writes and compactions.</summary>
    public static EmbeddedIndexOptions Options(string root) => new()
    {
        RootDirectory = root,
        HnswThreshold = 300,
        SnapshotEveryChanges = 150,
        Hnsw = new HnswParameters(M: 8, EfConstruction: 40, EfSearch: 40),
    };

    public static IndexPoint Point(int batch, int i, string family = "b", string field = "batch") => new()
    {
        Id = $"{family}{batch}-p{i}",
        Vector = [.. Enumerable.Range(0, Dimensions).Select(d => (float)Math.Sin((batch * 31) + (i * 7) + d) + 1.5f)],
        Text = $"batch {batch} point {i}",
        Payload = new Dictionary<string, PayloadValue> { [field] = (long)batch },
    };

    public static async Task RunAsync(string root, int firstBatch)
    {
        await using var index = await EmbeddedIndex.OpenAsync(Options(root));
        if (await index.GetCollectionAsync(Collection) is null)
        {
            await index.CreateCollectionAsync(new CollectionSpec(Collection, Dimensions));
        }

        for (var batch = firstBatch; ; batch++)
        {
            var points = Enumerable.Range(0, BatchSize).Select(i => Point(batch, i)).ToList();
            if (batch > firstBatch)
            {
                points.Add(Point(batch - 1, 0));
            }

            await index.UpsertAsync(Collection, points);
            if (batch % 3 == 0)
            {
                var temporary = Enumerable.Range(0, TemporaryGroupSize).Select(i => Point(batch, i, "t", "temporary")).ToList();
                await index.UpsertAsync(Collection, temporary);
                await index.DeleteAsync(Collection, [.. temporary.Select(p => p.Id)]);
            }

            Console.Out.WriteLine($"ACK {batch}");
            Console.Out.Flush();
        }
    }
}
