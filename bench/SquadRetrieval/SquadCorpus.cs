using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using RagPlatform.Evaluation.Squad;
using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;
using RagPlatform.Retrieval;

namespace RagPlatform.Bench.SquadRetrieval;

/// <summary>
/// SQuAD dev ready to search: every paragraph one point of an EmbeddedIndex (its embedding, its text for BM25), the
/// asked questions embedded as queries. Vectors are cached in the work folder by model and text, so the sweeps that
/// follow a first run do not embed again.
/// </summary>
internal sealed class SquadCorpus : IAsyncDisposable
{
    public const string Collection = "squad";

    private SquadCorpus(SquadDataset squad, IReadOnlyList<SquadQuestion> asked, TextEmbedder embedder, EmbeddedIndex index, string work)
    {
        Squad = squad;
        Asked = asked;
        Embedder = embedder;
        Index = index;
        Work = work;
    }

    public SquadDataset Squad { get; }

    /// <summary>The questions asked: all answerable ones, or --limit N spread over the set.</summary>
    public IReadOnlyList<SquadQuestion> Asked { get; }

    public TextEmbedder Embedder { get; }

    public EmbeddedIndex Index { get; }

    public string Work { get; }

    public IReadOnlyList<float[]> QuestionVectors { get; private set; } = [];

    /// <summary>Embedding rates of this run; null when the vectors came from the cache.</summary>
    public double? ParagraphsPerSecond { get; private set; }

    public double? QuestionsPerSecond { get; private set; }

    public int? TruncatedParagraphs { get; private set; }

    public static async Task<SquadCorpus> OpenAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var squad = await SquadDataset.LoadAsync(args.String("squad"), cancellationToken);
        // --limit N: N questions spread over the whole set (every paragraph stays a candidate), for a quick check.
        var limit = Math.Min(args.Int("limit", squad.Questions.Count), squad.Questions.Count);
        if (limit < 1)
        {
            throw new ArgumentException("--limit must be at least 1.");
        }

        var asked = Enumerable.Range(0, limit).Select(i => squad.Questions[(int)((long)i * squad.Questions.Count / limit)]).ToList();
        var work = Path.GetFullPath(args.String("work"));
        var indexDirectory = Path.Combine(work, "index");
        if (Directory.Exists(indexDirectory))
        {
            Directory.Delete(indexDirectory, recursive: true);
        }

        Directory.CreateDirectory(work);
        var embedder = TextEmbedder.Open(OnnxSessionFactory.Create(), ModelDirectory.Load(args.String("model")), new TextEmbedderOptions
        {
            Session = new InferenceSessionOptions { IntraOpThreads = args.Int("threads"), InterOpThreads = 1 },
        });
        var index = await EmbeddedIndex.OpenAsync(new EmbeddedIndexOptions { RootDirectory = indexDirectory }, cancellationToken: cancellationToken);
        var corpus = new SquadCorpus(squad, asked, embedder, index, work);
        await corpus.BuildAsync(cancellationToken);
        return corpus;
    }

    /// <summary>Unit vectors of <paramref name="texts"/>, from the cache when this model embedded exactly these texts before.</summary>
    public IReadOnlyList<float[]> Embed(IReadOnlyList<string> texts, EmbeddingRole role, string name, CancellationToken cancellationToken)
        => EmbedTimed(texts, role, name, cancellationToken).Vectors;

    public async ValueTask DisposeAsync()
    {
        await Index.DisposeAsync();
        Embedder.Dispose();
    }

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        var (passages, passageSeconds, truncated) = EmbedTimed([.. Squad.Paragraphs.Select(p => p.Text)], EmbeddingRole.Passage, "paragraphs", cancellationToken);
        var (queries, querySeconds, _) = EmbedTimed([.. Asked.Select(q => q.Text)], EmbeddingRole.Query, "questions", cancellationToken);
        QuestionVectors = queries;
        ParagraphsPerSecond = Squad.Paragraphs.Count / passageSeconds;
        QuestionsPerSecond = Asked.Count / querySeconds;
        TruncatedParagraphs = truncated;
        await Index.CreateCollectionAsync(new CollectionSpec(Collection, Embedder.Dimensions), cancellationToken);
        var points = Squad.Paragraphs.Select((p, i) => new IndexPoint
        {
            Id = p.Id,
            Vector = passages[i],
            Text = p.Text,
            Payload = new Dictionary<string, PayloadValue> { ["title"] = p.ArticleTitle },
        }).ToList();
        foreach (var batch in points.Chunk(500))
        {
            await Index.UpsertAsync(Collection, batch, cancellationToken);
        }
    }

    private (IReadOnlyList<float[]> Vectors, double? Seconds, int? Truncated) EmbedTimed(IReadOnlyList<string> texts, EmbeddingRole role, string name,
        CancellationToken cancellationToken)
    {
        var key = new StringBuilder(Embedder.Model.ModelId).Append('|').Append(Embedder.Model.OnnxPath).Append('|').Append(role);
        foreach (var text in texts)
        {
            key.Append('\u0001').Append(text);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..16];
        var file = Path.Combine(Work, $"vectors-{name}-{hash}.bin");
        if (File.Exists(file))
        {
            return (Read(file, texts.Count), null, null);
        }

        var clock = Stopwatch.StartNew();
        var embeddings = Embedder.Embed(texts, role, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var vectors = embeddings.Select(e => e.Vector).ToList();
        Write(file + ".partial", vectors);
        File.Move(file + ".partial", file, overwrite: true);
        return (vectors, seconds, embeddings.Count(e => e.Truncated));
    }

    private static void Write(string file, IReadOnlyList<float[]> vectors)
    {
        using var writer = new BinaryWriter(File.Create(file));
        writer.Write(vectors.Count);
        foreach (var vector in vectors)
        {
            writer.Write(vector.Length);
            foreach (var value in vector)
            {
                writer.Write(value);
            }
        }
    }

    private static List<float[]> Read(string file, int count)
    {
        using var reader = new BinaryReader(File.OpenRead(file));
        var vectors = new List<float[]>(reader.ReadInt32());
        for (var i = 0; i < vectors.Capacity; i++)
        {
            var vector = new float[reader.ReadInt32()];
            for (var j = 0; j < vector.Length; j++)
            {
                vector[j] = reader.ReadSingle();
            }

            vectors.Add(vector);
        }

        return vectors.Count == count ? vectors : throw new InvalidDataException($"'{file}' holds {vectors.Count} vectors, not {count}.");
    }
}
