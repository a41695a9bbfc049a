using RagPlatform.Bench;
using RagPlatform.Bench.Ingestion;

// bench/ingestion.sh drives these; each prints one JSON line on stdout, progress on stderr.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return args switch
{
    ["prepare", .. var rest] => await IngestionBench.PrepareAsync(BenchArguments.Parse(rest), cancellation.Token),
    ["ingest", .. var rest] => await IngestionBench.RunAsync(BenchArguments.Parse(rest), cancellation.Token),
    ["embed-sample", .. var rest] => IngestionBench.EmbedSample(BenchArguments.Parse(rest)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Ingestion prepare      --docs DIR --model DIR [--max-docs N] [--sample-chunks N] --sample-out FILE
               Ingestion ingest       --docs DIR --model DIR --work DIR --threads T [--concurrency C] [--max-docs N]
               Ingestion embed-sample --model DIR --inputs FILE --threads T
        """);
    return 2;
}

