using System.Diagnostics;
using System.Text.Json;
using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;
using RagPlatform.Ingestion.Chunking;
using RagPlatform.Ingestion.Embedding;
using RagPlatform.Ingestion.Parsing;
using RagPlatform.Ingestion.Pipeline;
using RagPlatform.Ingestion.Status;
using RagPlatform.Retrieval;
using RagPlatform.Testing;

using RagPlatform.Bench;

namespace RagPlatform.Bench.Ingestion;

/// <summary>
/// The ingestion benchmark in three commands, run by bench/ingestion.sh:
/// <list type="bullet">
/// <item><see cref="PrepareAsync"/>: one thread reads, parses and chunks every page, stage by stage (the single-thread
/// cost of each CPU stage, and the chunk count of the whole set even when a subset is ingested), and writes a sample of
/// the ingested pages' chunks (texts and token ids) for the embedder-alone measurements;</item>
/// <item><see cref="RunAsync"/>: the pages through the real <see cref="IngestionPipeline"/> into a fresh EmbeddedIndex on
/// disk, with decorators at the pipeline's seams timing the HTML parse, the chunker's tokenizer calls, the embedding
/// calls and the index writes (busy time summed over the documents processed side by side);</item>
/// <item><see cref="EmbedSample"/>: the embedder alone on the sample, the ceiling of the pipeline's chunks/s (a raw
/// onnxruntime-node session runs on the same ids beside it).</item>
/// </list>
/// </summary>
internal static class IngestionBench
{
    private const string Collection = "python-docs";

    public static async Task<int> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var docs = Path.GetFullPath(args.String("docs"));
        var work = Path.GetFullPath(args.String("work"));
        var threads = args.Int("threads");
        var corpus = Corpus.Open(docs, args.Int("max-docs", 0));
        var files = corpus.Selected;
        var bytes = Corpus.Bytes(files);
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        var sessions = OnnxSessionFactory.Create();
        var model = ModelDirectory.Load(args.String("model"));
        using var embedder = TextEmbedder.Open(sessions, model, new TextEmbedderOptions
        {
            Session = new InferenceSessionOptions { IntraOpThreads = threads, InterOpThreads = 1 },
        });
        var options = new IngestionOptions { MaxConcurrency = args.Int("concurrency", new IngestionOptions().MaxConcurrency) };
        var builtIn = new DocumentParsers(new ParsingOptions());
        var (parse, tokenize, embed, write) = (new StageTimer(), new StageTimer(), new StageTimer(), new StageTimer());

        var clock = Stopwatch.StartNew();
        IReadOnlyList<DocumentResult> results;
        await using (var index = new TimedPointIndex(
            await EmbeddedIndex.OpenAsync(new EmbeddedIndexOptions { RootDirectory = Path.Combine(work, "index") }, cancellationToken: cancellationToken),
            write))
        using (var status = SqliteDocumentStore.Open(Path.Combine(work, "status.db")))
        {
            var pipeline = new IngestionPipeline(index,
                new TimedPassageEmbedder(new TextEmbedderPassageEmbedder(embedder), embed),
                new TextChunker(new TimedTokenizer(model.Tokenizer, tokenize), new ChunkingOptions(), embedder.MaxTokens),
                new DocumentParsers(new ParsingOptions(), [new TimedHtmlParser(builtIn, parse)]),
                status, options);
            var done = 0;
            pipeline.DocumentCompleted += _ =>
            {
                if (Interlocked.Increment(ref done) % 50 == 0)
                {
                    Console.Error.WriteLine($"ingestion: {done}/{files.Count} documents in {clock.Elapsed.TotalSeconds:F0} s");
                }
            };
            results = await pipeline.IngestAsync(Collection, files.Select(f => new IngestionSource(f, Path.GetRelativePath(docs, f))),
                cancellationToken);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var chunks = results.Sum(r => r.ChunkCount);
        foreach (var failure in results.Where(r => r.Outcome == IngestionOutcome.Failed).Take(5))
        {
            Console.Error.WriteLine($"ingestion: {failure.DocumentId} failed: {failure.Error}");
        }

        BenchArguments.Emit(new
        {
            command = "ingest",
            model = embedder.Model.ModelId,
            forged = embedder.Model.Forged,
            documents = files.Count,
            documentsAvailable = corpus.All.Count,
            indexed = results.Count(r => r.Outcome == IngestionOutcome.Indexed),
            failed = results.Count(r => r.Outcome == IngestionOutcome.Failed),
            megabytes = bytes / 1e6,
            chunks,
            threads,
            concurrency = options.MaxConcurrency,
            seconds,
            documentsPerSecond = files.Count / seconds,
            chunksPerSecond = chunks / seconds,
            megabytesPerSecond = bytes / 1e6 / seconds,
            inRun = new
            {
                parseSeconds = parse.Busy.TotalSeconds,
                chunkTokenizeSeconds = tokenize.Busy.TotalSeconds,
                tokenizeCalls = tokenize.Items,
                embedSeconds = embed.Busy.TotalSeconds,
                embedChunks = embed.Items,
                indexWriteSeconds = write.Busy.TotalSeconds,
            },
            indexBytes = Directory.EnumerateFiles(Path.Combine(work, "index"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length),
            vmHwmKb = BenchArguments.PeakResidentKb(),
        });
        return 0;
    }

    public static async Task<int> PrepareAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var corpus = Corpus.Open(args.String("docs"), args.Int("max-docs", 0));
        var selected = corpus.Selected.ToHashSet(StringComparer.Ordinal);
        var model = ModelDirectory.Load(args.String("model"));
        var sessions = OnnxSessionFactory.Create();
        using var embedder = TextEmbedder.Open(sessions, model); // for its token limit, exactly as the pipeline run sees it
        var parsers = new DocumentParsers(new ParsingOptions());
        var chunker = new TextChunker(model.Tokenizer, new ChunkingOptions(), embedder.MaxTokens);
        var (read, parse, chunk) = (TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        var (allChunks, chunks, tokens, texts) = (0, 0, 0L, new List<string>());
        foreach (var file in corpus.All)
        {
            var start = Stopwatch.GetTimestamp();
            var content = await File.ReadAllBytesAsync(file, cancellationToken);
            var readTime = Stopwatch.GetElapsedTime(start);
            start = Stopwatch.GetTimestamp();
            ParsedDocument parsed;
            try
            {
                parsed = await parsers.ParseAsync(file, content, cancellationToken);
            }
            catch (DocumentRejectedException)
            {
                continue; // the pipeline run reports it as failed
            }

            var parseTime = Stopwatch.GetElapsedTime(start);
            start = Stopwatch.GetTimestamp();
            var pieces = chunker.Chunk(file, parsed, cancellationToken);
            var chunkTime = Stopwatch.GetElapsedTime(start);
            allChunks += pieces.Count;
            if (selected.Contains(file))
            {
                (read, parse, chunk) = (read + readTime, parse + parseTime, chunk + chunkTime);
                chunks += pieces.Count;
                tokens += pieces.Sum(p => (long)p.TokenCount);
                texts.AddRange(pieces.Select(p => p.Text));
            }
        }

        // Evenly spaced over the ingested chunks, so the sample has their mix of lengths, kept in corpus order so that
        // neighbouring chunks of one page still share a batch as they do in the pipeline.
        var sampleSize = args.Int("sample-chunks", 1024);
        var step = Math.Max(1.0, texts.Count / (double)sampleSize);
        var sample = Enumerable.Range(0, Math.Min(sampleSize, texts.Count)).Select(i => texts[(int)(i * step)]).ToList();
        await WriteSampleAsync(args.String("sample-out"), model, embedder.MaxTokens, sample, new IngestionOptions().EmbeddingBatchSize,
            cancellationToken);
        BenchArguments.Emit(new
        {
            command = "prepare",
            documents = corpus.Selected.Count,
            chunks,
            meanChunkTokens = tokens / (double)Math.Max(1, chunks),
            singleThread = new { readSeconds = read.TotalSeconds, parseSeconds = parse.TotalSeconds, chunkSeconds = chunk.TotalSeconds },
            fullSet = new { documents = corpus.All.Count, megabytes = Corpus.Bytes(corpus.All) / 1e6, chunks = allChunks },
            sampleChunks = sample.Count,
        });
        return 0;
    }

    /// <summary>
    /// The embedder alone on the sample chunks, in the pipeline's batch size: tokenize, pad, run, pool, normalise. Run
    /// by the script beside the node peer on the same file.
    /// </summary>
    public static int EmbedSample(BenchArguments args)
    {
        using var inputs = JsonDocument.Parse(File.ReadAllBytes(args.String("inputs")));
        var texts = inputs.RootElement.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToArray();
        var batchSize = inputs.RootElement.GetProperty("batchSize").GetInt32();
        var sessions = OnnxSessionFactory.Create();
        using var embedder = TextEmbedder.Open(sessions, ModelDirectory.Load(args.String("model")), new TextEmbedderOptions
        {
            MaxBatchSize = batchSize,
            Session = new InferenceSessionOptions { IntraOpThreads = args.Int("threads"), InterOpThreads = 1 },
        });
        var batches = texts.Chunk(batchSize).ToArray();
        embedder.Embed(batches[0]); // warm-up, as the node peer does
        var clock = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            embedder.Embed(batch);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        BenchArguments.Emit(new { peer = "csharp-embedder", chunks = texts.Length, batchSize, seconds, chunksPerSecond = texts.Length / seconds,
            vmHwmKb = BenchArguments.PeakResidentKb() });
        return 0;
    }

    /// <summary>
    /// The sample's texts for the C# embedder alone, and their token ids as it feeds them (special tokens, same
    /// truncation) for the raw ONNX peer.
    /// </summary>
    private static async Task WriteSampleAsync(string path, ModelDirectory model, int maxTokens, List<string> texts, int batchSize,
        CancellationToken cancellationToken)
    {
        var ids = texts.Select(t => model.Tokenizer.Encode(t, maxLength: maxTokens).Ids).ToArray();
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, new { batchSize, padId = model.Tokenizer.SpecialTokens.Pad ?? 0, texts, ids }, cancellationToken: cancellationToken);
    }
}
