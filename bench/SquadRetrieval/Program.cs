using RagPlatform.Bench;
using RagPlatform.Bench.SquadRetrieval;

// bench/squad-retrieval.sh and bench/squad-fusion.sh drive this; it prints JSON lines on stdout.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return args switch
{
    ["run", .. var rest] => await SquadRetrievalBench.RunAsync(BenchArguments.Parse(rest), cancellation.Token),
    ["fusion", .. var rest] => await FusionSweep.RunAsync(BenchArguments.Parse(rest), cancellation.Token),
    ["extractive", .. var rest] => await ExtractiveSweep.RunAsync(BenchArguments.Parse(rest), cancellation.Token),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: SquadRetrieval run|fusion|extractive --squad dev-v2.0.json --model DIR --work DIR --threads T [--limit N]");
    Console.Error.WriteLine("       fusion: [--depths 20,50,100] [--min-dense 0.2]");
    return 2;
}
