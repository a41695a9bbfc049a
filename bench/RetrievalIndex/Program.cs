using RagPlatform.Bench;
using RagPlatform.Bench.RetrievalIndex;

// bench/retrieval-index.sh drives these; each prints JSON lines on stdout.
var command = args.Length > 0 ? args[0] : "";
var options = BenchArguments.Parse(args.Skip(1));
return command switch
{
    "generate" => IndexBench.Generate(options),
    "truth" => IndexBench.Truth(options),
    "exact" => IndexBench.Exact(options),
    "hnsw" => await IndexBench.HnswAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: RetrievalIndex <command> [--option value ...]
          generate --out DIR --count N --queries Q [--dimensions 384] [--latent 48] [--clusters 1024] [--spread 1.0]
                   [--noise 0.03] [--seed S]
          truth    --data DIR --count N --k 10 --out FILE
          exact    --data DIR --count N --truth FILE [--passes P] [--max-queries Q]
          hnsw     --data DIR --count N --truth FILE --m M --ef-construction EC --ef-search "16 32 ..." [--passes P]
                   [--sync DIR --search-after "peer.built ..."]
        """);
    return 2;
}

