using RagPlatform.Bench;
using RagPlatform.Bench.ModelRuntime;

// bench/model-runtime.sh drives these; each prints one JSON line on stdout.
var command = args.Length > 0 ? args[0] : "";
var options = BenchArguments.Parse(args.Skip(1));
return command switch
{
    "prepare-embed" => EmbeddingBench.Prepare(options),
    "embed" => EmbeddingBench.Run(options),
    "quantized-compare" => QuantizationBench.Compare(options),
    "decode" => await DecodeBench.RunAsync(options),
    "bandwidth" => BandwidthBench.Run(options),
    "rerank" => await RerankBench.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: ModelRuntime <command> [--option value ...]
          prepare-embed --model DIR --tokens 128 --count 32 --shared DIR --out FILE
          embed         --model DIR --inputs FILE --batch N --seconds S --threads T
          quantized-compare --model DIR --quantized DIR --shared DIR --threads T [--count 512]
          decode        --model DIR --prompt-tokens P --new-tokens N --threads T [--prefill-chunk C]
          bandwidth     --mb M --seconds S --threads T
          rerank        --model DIR --int8 DIR --squad FILE --threads T [--questions 12] [--rounds 3] [--seconds 30] [--service-model DIR]
        """);
    return 2;
}
