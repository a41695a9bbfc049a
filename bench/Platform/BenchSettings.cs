using System.Globalization;
using RagPlatform.Launcher;

namespace RagPlatform.Bench.Platform;

/// <summary>
/// What one run does, from <c>--name value</c> arguments (the shell scripts map their environment variables onto
/// them). Every run is bounded: a duration or a request count per measurement.
/// </summary>
internal sealed record BenchSettings
{
    /// <summary>
    /// ask (closed-loop latency at each concurrency, with the bare-generator peer), soak, squad (retrieval and extractive
    /// quality), or openai (/openai/v1 against the gRPC Embed call and /v1/ask).
    /// </summary>
    public string Command { get; init; } = "ask";

    /// <summary>tiny or real: the folder under .models/forged.</summary>
    public string Models { get; init; } = "tiny";

    /// <summary>Concurrent closed-loop users, one measurement each.</summary>
    public IReadOnlyList<int> Users { get; init; } = [1, 4, 16];

    /// <summary>Length of each measurement (ask) or of the whole soak.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Each level's duration (or request count) is split into this many rounds, ask and bare generate interleaved.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>When set, a measurement ends after this many requests instead (ask only).</summary>
    public int? Requests { get; init; }

    /// <summary>Asks before the first measurement, so JIT and first-call costs stay out of the figures.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Answer tokens per ask and per bare Generate (forged models rarely stop early, so most use all of them).</summary>
    public int MaxTokens { get; init; } = 32;

    /// <summary>The ask's timeoutSeconds; null leaves the gateway's Gateway:AskTimeout (60 s).</summary>
    public double? TimeoutSeconds { get; init; }

    /// <summary>hybrid, dense or lexical.</summary>
    public string Mode { get; init; } = "hybrid";

    /// <summary>SQuAD dev paragraphs to ingest; 0 (the default) ingests all 646 of the shared dev file.</summary>
    public int Paragraphs { get; init; }

    /// <summary>ONNX Runtime intra-op threads of each model service; null keeps each service's shipped default.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Soak: asks per second (open loop: they start on schedule whether or not earlier ones finished). 0.5 is about
    /// half of what the tiny-model platform answers on the shared 2-core machine (1.1-1.2 asks/s at 4-16 users), so
    /// the soak measures steady operation, not the limiter turning away an overload.
    /// </summary>
    public double Rate { get; init; } = 0.5;

    /// <summary>
    /// Soak: document status/list reads per second, and seconds between uploads. Ten reads a second make the gateway
    /// allocate enough (~0.5 MB/s) to reach its steady garbage-collection cycle within the first two minutes: at 1/s
    /// (~70 KB/s) it had not run a single GC after 8 minutes, and its RSS only showed the first gen0 budget filling.
    /// With the asks and uploads it stays under the per-key limit of 20 requests/s.
    /// </summary>
    public double ReadRate { get; init; } = 10;

    public double UploadEverySeconds { get; init; } = 10;

    /// <summary>Soak: requests allowed in flight before the client counts a request it could not start as an error.</summary>
    public int MaxInFlight { get; init; } = 64;

    /// <summary>Soak: how often each service's resident memory is sampled.</summary>
    public TimeSpan SampleEvery { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Soak: the same schedule run first, unmeasured, so the measured window starts with every code path compiled at
    /// its final tier and pools and GC budgets settled (the gateway's RSS was seen to climb for ~5 minutes, then stop).
    /// </summary>
    public TimeSpan SoakWarmup { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Soak pass bound: growth of each service's RSS from the 2-minute sample to the end.</summary>
    public double RssGrowthPercent { get; init; } = 10;

    public long RssGrowthFloorBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// Extra service settings for experiments, from <c>--set "Service:Section__Key=value;..."</c> (e.g.
    /// <c>Orchestrator:Downstream__Reranker__AttemptTimeout=00:00:30</c>); applied after the benchmark's own.
    /// </summary>
    public IReadOnlyList<(PlatformService Service, string Key, string Value)> Set { get; init; } = [];

    /// <summary>squad: the embedder's model directory (a real one, e.g. .models/real/arctic-embed-xs); reranker and generator stay the tiny forged ones.</summary>
    public string? Embedder { get; init; }

    /// <summary>squad: answerable questions asked per mode, spread over the set; 0 asks all 2,910.</summary>
    public int Limit { get; init; }

    /// <summary>squad: the retrieval modes asked.</summary>
    public IReadOnlyList<string> Modes { get; init; } = ["hybrid", "lexical", "dense"];

    /// <summary>openai: texts per embeddings call, one measurement each (both paths send the same batches).</summary>
    public IReadOnlyList<int> Batches { get; init; } = [1, 16, 64];

    /// <summary>Where results go (JSON and Markdown).</summary>
    public string OutputDirectory { get; init; } = "artifacts/bench/platform";

    public static BenchSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new BenchSettings { Command = args.Count > 0 ? args[0] : "ask" };
        if (settings.Command == "soak")
        {
            settings = settings with { Duration = TimeSpan.FromMinutes(10) };
        }

        for (var i = 1; i + 1 < args.Count; i += 2)
        {
            var value = args[i + 1];
            settings = args[i] switch
            {
                "--models" => settings with { Models = value },
                "--batches" => settings with { Batches = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Int)] },
                "--users" => settings with { Users = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Int)] },
                "--seconds" => settings with { Duration = TimeSpan.FromSeconds(Double(value)) },
                "--rounds" => settings with { Rounds = Int(value) },
                "--requests" => settings with { Requests = value.Length == 0 ? null : Int(value) },
                "--warmup" => settings with { Warmup = TimeSpan.FromSeconds(Double(value)) },
                "--max-tokens" => settings with { MaxTokens = Int(value) },
                "--mode" => settings with { Mode = value },
                "--timeout" => settings with { TimeoutSeconds = value.Length == 0 ? null : Double(value) },
                "--paragraphs" => settings with { Paragraphs = Int(value) },
                "--threads" => settings with { Threads = value.Length == 0 ? null : Int(value) },
                "--rate" => settings with { Rate = Double(value) },
                "--read-rate" => settings with { ReadRate = Double(value) },
                "--upload-every" => settings with { UploadEverySeconds = Double(value) },
                "--max-in-flight" => settings with { MaxInFlight = Int(value) },
                "--sample-every" => settings with { SampleEvery = TimeSpan.FromSeconds(Double(value)) },
                "--soak-warmup" => settings with { SoakWarmup = TimeSpan.FromSeconds(Double(value)) },
                "--rss-growth-percent" => settings with { RssGrowthPercent = Double(value) },
                "--out" => settings with { OutputDirectory = value },
                "--embedder" => settings with { Embedder = value.Length == 0 ? null : value },
                "--limit" => settings with { Limit = Int(value) },
                "--modes" => settings with { Modes = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] },
                "--set" => settings with { Set = [.. value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Setting)] },
                _ => throw new ArgumentException($"Unknown argument {args[i]}."),
            };
        }

        return settings.Users.Count == 0 || settings.Users.Any(u => u < 1) || settings.Batches.Any(b => b < 1) || settings.MaxTokens < 1 || settings.Rate <= 0 || settings.Rounds < 1
            ? throw new ArgumentException("users, max-tokens, rate and rounds must be positive.")
            : settings;
    }

    private static (PlatformService, string, string) Setting(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return colon > 0 && equals > colon + 1 && Enum.TryParse<PlatformService>(text[..colon], out var service)
            ? (service, text[(colon + 1)..equals], text[(equals + 1)..])
            : throw new ArgumentException($"--set takes Service:Section__Key=value (was '{text}').");
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static double Double(string value) => double.Parse(value, CultureInfo.InvariantCulture);
}
