using RagPlatform.Bench.ModelRuntime;

// bench/model-runtime.sh drives these; each prints one JSON line on stdout.
var command = args.Length > 0 ? args[0] : "";
var options = BenchArguments.Parse(args.Skip(1));
return command switch
{
    "prepare-embed" => EmbeddingBench.Prepare(options),
    "embed" => EmbeddingBench.Run(options),
    "decode" => await DecodeBench.RunAsync(options),
    "bandwidth" => BandwidthBench.Run(options),
    _ => BenchArguments.Usage(),
};
