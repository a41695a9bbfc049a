using RagPlatform.Bench;

namespace RagPlatform.Bench.RetrievalIndex;

/// <summary>
/// Lets two engines build their indexes at the same time (one core each) yet search one after the other, so that
/// queries/s is measured without the other engine competing: each engine touches "&lt;engine&gt;.built" and
/// "&lt;engine&gt;.searched" in a shared folder and, before searching, waits for the files named by --search-after.
/// The node peer (bench/node/retrieval-index/hnsw.mjs) follows the same protocol. Without --sync nothing waits.
/// </summary>
internal sealed class PeerSync(string? directory, string engine, string[] searchAfter)
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(2);

    public static PeerSync From(BenchArguments args, string engine) => new(args.Optional("sync"), engine,
        args.Optional("search-after")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? []);

    /// <summary>Announces the finished build, then waits until this engine's turn to search.</summary>
    public async Task BuiltAsync()
    {
        if (directory is null)
        {
            return;
        }

        await File.WriteAllTextAsync(Path.Combine(directory, engine + ".built"), "");
        var deadline = DateTime.UtcNow + MaxWait;
        while (!searchAfter.All(f => File.Exists(Path.Combine(directory, f))))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{engine} waited {MaxWait} for {string.Join(", ", searchAfter)}.");
            }

            await Task.Delay(200);
        }
    }

    public void Searched()
    {
        if (directory is not null)
        {
            File.WriteAllText(Path.Combine(directory, engine + ".searched"), "");
        }
    }
}
