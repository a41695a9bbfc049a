using System.Diagnostics;
using System.Text.Json;
using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Models;
using RagPlatform.Ingestion.Chunking;
using RagPlatform.Ingestion.Embedding;
using RagPlatform.Ingestion.Parsing;
using RagPlatform.Ingestion.Pipeline;
using RagPlatform.Ingestion.Status;
using RagPlatform.Onnx;
using RagPlatform.Retrieval;

using RagPlatform.Bench;

namespace RagPlatform.Bench.Ingestion;

/// <summary>
/// Ingests a folder of HTML files through the real <see cref="IngestionPipeline"/> into a fresh EmbeddedIndex on disk
/// and reports the throughput, then where the time went:
/// <list type="bullet">
/// <item>during the run, decorators at the pipeline's seams time the HTML parse, the chunker's tokenizer calls,
/// the embedding calls and the index writes (busy time summed over the documents processed side by side);</item>
/// <item>after it, one thread reads, parses and chunks the same files again, stage by stage, for the
/// single-threaded cost of each CPU stage;</item>
/// <item>last, it writes a sample of the chunks (texts and token ids) on which <see cref="EmbedSample"/> measures the
/// embedder alone, the ceiling of the pipeline's chunks/s, beside a raw onnxruntime-node session on the same ids.</item>
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
        var files = Directory.EnumerateFiles(docs, "*.html", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var allFiles = files.Count;
        if (args.Int("max-docs", 0) is > 0 and var maxDocs)
        {
            files = files.Take(maxDocs).ToList();
        }

        var bytes = files.Sum(f => new FileInfo(f).Length);
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        using var runtime = OnnxRuntime.Create();
        var model = ModelDirectory.Load(args.String("model"));
        using var embedder = TextEmbedder.Open(runtime, model, new TextEmbedderOptions
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
        using (var status = DocumentStatusStore.Open(Path.Combine(work, "status.db")))
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

        var sequential = await SequentialPassAsync(files, builtIn, new TextChunker(model.Tokenizer, new ChunkingOptions(), embedder.MaxTokens),
            args.Int("sample-chunks", 1024), cancellationToken);
        await WriteSampleAsync(args.String("sample-out"), model, embedder, sequential.Sample, options.EmbeddingBatchSize, cancellationToken);

        BenchArguments.Emit(new
        {
            command = "ingest",
            model = embedder.Model.ModelId,
            forged = embedder.Model.Forged,
            documents = files.Count,
            documentsAvailable = allFiles,
            indexed = results.Count(r => r.Outcome == IngestionOutcome.Indexed),
            failed = results.Count(r => r.Outcome == IngestionOutcome.Failed),
            megabytes = bytes / 1e6,
            chunks,
            meanChunkTokens = sequential.Tokens / (double)Math.Max(1, sequential.Chunks),
            sequentialChunks = sequential.Chunks,
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
            singleThread = new
            {
                readSeconds = sequential.Read.TotalSeconds,
                parseSeconds = sequential.Parse.TotalSeconds,
                chunkSeconds = sequential.Chunk.TotalSeconds,
            },
            indexBytes = Directory.EnumerateFiles(Path.Combine(work, "index"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length),
            vmHwmKb = BenchArguments.PeakResidentKb(),
        });
        return 0;
    }

    private sealed record SequentialPass(TimeSpan Read, TimeSpan Parse, TimeSpan Chunk, int Chunks, long Tokens, List<string> Sample);

    private static async Task<SequentialPass> SequentialPassAsync(List<string> files, DocumentParsers parsers, TextChunker chunker, int sampleSize,
        CancellationToken cancellationToken)
    {
        var (read, parse, chunk) = (TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        var (chunks, tokens, texts) = (0, 0L, new List<string>());
        foreach (var file in files)
        {
            var start = Stopwatch.GetTimestamp();
            var content = await File.ReadAllBytesAsync(file, cancellationToken);
            read += Stopwatch.GetElapsedTime(start);
            start = Stopwatch.GetTimestamp();
            ParsedDocument parsed;
            try
            {
                parsed = await parsers.ParseAsync(file, content, cancellationToken);
            }
            catch (DocumentRejectedException)
            {
                continue; // the pipeline run reported it as failed
            }

            parse += Stopwatch.GetElapsedTime(start);
            start = Stopwatch.GetTimestamp();
            var pieces = chunker.Chunk(file, parsed, cancellationToken);
            chunk += Stopwatch.GetElapsedTime(start);
            chunks += pieces.Count;
            tokens += pieces.Sum(p => (long)p.TokenCount);
            texts.AddRange(pieces.Select(p => p.Text));
        }

        // Evenly spaced over the whole set, so the sample has the corpus's mix of chunk lengths, kept in corpus order
        // so that neighbouring chunks of one document still share a batch as they do in the pipeline.
        var step = Math.Max(1.0, texts.Count / (double)sampleSize);
        var sample = Enumerable.Range(0, Math.Min(sampleSize, texts.Count)).Select(i => texts[(int)(i * step)]).ToList();
        return new SequentialPass(read, parse, chunk, chunks, tokens, sample);
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
        using var runtime = OnnxRuntime.Create();
        using var embedder = TextEmbedder.Open(runtime, ModelDirectory.Load(args.String("model")), new TextEmbedderOptions
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
    private static async Task WriteSampleAsync(string path, ModelDirectory model, TextEmbedder embedder, List<string> texts, int batchSize,
        CancellationToken cancellationToken)
    {
        var ids = texts.Select(t => model.Tokenizer.Encode(t, maxLength: embedder.MaxTokens).Ids).ToArray();
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, new { batchSize, padId = model.Tokenizer.SpecialTokens.Pad ?? 0, texts, ids }, cancellationToken: cancellationToken);
    }
}
