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
    _ => BenchArguments.Usage(),
};
