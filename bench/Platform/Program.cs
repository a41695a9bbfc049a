using RagPlatform.Bench.Platform;

// Usage: RagPlatform.Bench.Platform ask|soak|squad|scale|openai [--models tiny|real] [--users 1,4,16] [--seconds N] [--requests N]
//        [--max-tokens 32] [--rate 4] ... (BenchSettings lists every option; bench/platform-*.sh map env vars onto them).
// `ask`, `scale` and `openai` exit 1 when any request failed; `soak` exits 1 unless it printed PASS.
var settings = BenchSettings.Parse(args);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl+C ends the run; disposing the platform still stops the five services.
    e.Cancel = true;
    stop.Cancel();
};

return settings.Command switch
{
    "ask" => await AskBenchmark.RunAsync(settings, stop.Token),
    "soak" => await SoakBenchmark.RunAsync(settings, stop.Token),
    "squad" => await SquadQualityBenchmark.RunAsync(settings, stop.Token),
    "scale" => await ScaleOutBenchmark.RunAsync(settings, stop.Token),
    "openai" => await OpenAiBenchmark.RunAsync(settings, stop.Token),
    _ => throw new ArgumentException($"Unknown command '{settings.Command}': use ask, soak, squad, scale or openai."),
};
