using System.Text;
using RagPlatform.Ingestion.Chunking;
using RagPlatform.Ingestion.Parsing;
using RagPlatform.Ingestion.Pipeline;
using RagPlatform.Ingestion.Status;
using RagPlatform.Ingestion.Tests.Infrastructure;
using RagPlatform.Retrieval;

namespace RagPlatform.Ingestion.Tests.Crash;

/// <summary>One step of the document stream: write version <paramref name="Version"/> of a document, then ingest it.</summary>
internal sealed record CrashStep(int Step, string DocumentId, int Version);

/// <summary>
/// The child process of the ingestion crash test. It first finishes whatever the durable queue holds (the work a
/// previous, killed run left), then walks the fixed stream of <see cref="Plan"/> from a given step: each step
/// writes one document version (new documents, and rewrites of earlier ones so replacement is exercised) and
/// ingests it. It prints "ACK id hash" once the document's Indexed status is durable, and "STEP n" once step n is
/// done. The parent kills it with SIGKILL at random moments.
/// </summary>
internal static class IngestionCrashWorker
{
    public const string Collection = "crash";
    public const int Steps = 500;

    private static readonly string[] Words =
    [
        "river", "mountain", "index", "vector", "token", "harbour", "lantern", "meadow", "signal", "archive", "copper",
        "falcon", "garden", "quartz", "engine", "window", "paper", "shadow", "orbit", "canyon", "forest", "bridge",
        "the", "a", "of", "and", "under", "beside", "quickly", "slowly", "bright", "quiet", "ancient", "modern",
    ];

    /// <summary>
    /// The stream: mostly new documents, every third step a rewrite of an earlier one. Both processes compute it,
    /// so the parent knows every version the child may have written.
    /// </summary>
    public static IReadOnlyList<CrashStep> Plan()
    {
        var random = new Random(5150);
        var versions = new List<int>();
        var steps = new List<CrashStep>(Steps);
        for (var step = 0; step < Steps; step++)
        {
            int document;
            if (step % 3 == 2 && versions.Count > 2)
            {
                document = random.Next(versions.Count);
                versions[document]++;
            }
            else
            {
                document = versions.Count;
                versions.Add(0);
            }

            steps.Add(new CrashStep(step, DocumentId(document), versions[document]));
        }

        return steps;
    }

    /// <summary>Markdown (or plain text for every fifth document) of a few sections of generated sentences.</summary>
    public static byte[] Content(string documentId, int version)
    {
        var random = new Random(unchecked((StableHash(documentId) * 31) + version));
        var text = new StringBuilder();
        var markdown = documentId.EndsWith(".md", StringComparison.Ordinal);
        var sections = random.Next(1, 4);
        for (var s = 0; s < sections; s++)
        {
            if (markdown)
            {
                text.Append(s == 0 ? "# " : "## ").Append(Word(random)).Append(' ').Append(Word(random)).Append("\n\n");
            }

            for (var p = random.Next(1, 4); p > 0; p--)
            {
                for (var sentence = random.Next(2, 6); sentence > 0; sentence--)
                {
                    var word = Word(random);
                    text.Append(char.ToUpperInvariant(word[0])).Append(word[1..]);
                    for (var w = random.Next(4, 14); w > 0; w--)
                    {
                        text.Append(' ').Append(Word(random));
                    }

                    text.Append(". ");
                }

                text.Append($"Version {version} of {documentId}.\n\n");
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Small thresholds so kills also land in the index's HNSW builds and snapshot writes.</summary>
    public static EmbeddedIndexOptions IndexOptions(string root) => new()
    {
        RootDirectory = Path.Combine(root, "index"),
        HnswThreshold = 200,
        SnapshotEveryChanges = 100,
        Hnsw = new HnswParameters(M: 8, EfConstruction: 40, EfSearch: 40),
    };

    public static string StatusPath(string root) => Path.Combine(root, "index", "ingestion.db");

    public static DocumentParsers Parsers() => new(new ParsingOptions());

    public static TextChunker Chunker(TestEnvironment env) => env.Chunker(target: 48, overlap: 8);

    public static async Task RunAsync(string root, int firstStep, bool drain)
    {
        using var env = new TestEnvironment();
        await using var index = await EmbeddedIndex.OpenAsync(IndexOptions(root));
        using var status = SqliteDocumentStore.Open(StatusPath(root));
        var pipeline = new IngestionPipeline(index, env.Embedder, Chunker(env), Parsers(), status, new IngestionOptions
        {
            // Kills may interrupt one document several times in a row; giving up on it is not what this test checks.
            MaxAttempts = 1_000,
            DocumentTimeout = TimeSpan.FromSeconds(60),
        });
        pipeline.DocumentCompleted += result =>
        {
            var line = result.Outcome == IngestionOutcome.Failed
                ? $"FAIL {result.DocumentId} {result.Error}"
                : $"ACK {result.DocumentId} {status.GetAsync(Collection, result.DocumentId, CancellationToken.None).GetAwaiter().GetResult()?.ContentHash}";
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        };

        await pipeline.EnsureCollectionAsync(Collection);
        await pipeline.ProcessQueueAsync();
        var documents = Directory.CreateDirectory(Path.Combine(root, "docs")).FullName;
        var plan = Plan();
        for (var step = firstStep; step < plan.Count; step++)
        {
            var path = Path.Combine(documents, plan[step].DocumentId);

            // Write-then-rename: a kill mid-write must not leave a torn file that a later run would index.
            await File.WriteAllBytesAsync(path + ".tmp", Content(plan[step].DocumentId, plan[step].Version));
            File.Move(path + ".tmp", path, overwrite: true);
            await pipeline.IngestAsync(Collection, [new IngestionSource(path)]);
            Console.Out.WriteLine($"STEP {step}");
            Console.Out.Flush();
        }

        if (!drain)
        {
            Console.Out.WriteLine("END");
            Console.Out.Flush();
            await Task.Delay(Timeout.Infinite);
        }
    }

    private static string DocumentId(int document) => document % 5 == 4 ? $"doc-{document:D3}.txt" : $"doc-{document:D3}.md";

    private static string Word(Random random) => Words[random.Next(Words.Length)];

    /// <summary>string.GetHashCode and HashCode are randomised per process; both processes must generate the same text.</summary>
    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}
