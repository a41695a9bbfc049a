using RagPlatform.Bench;
using RagPlatform.Bench.SquadRetrieval;

// bench/squad-retrieval.sh drives this; it prints JSON lines on stdout.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return args is ["run", .. var rest]
    ? await SquadRetrievalBench.RunAsync(BenchArguments.Parse(rest), cancellation.Token)
    : Usage();

static int Usage()
{
    Console.Error.WriteLine("usage: SquadRetrieval run --squad dev-v2.0.json --model DIR --work DIR --threads T [--limit N]");
    return 2;
}
